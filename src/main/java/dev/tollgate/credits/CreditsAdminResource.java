package dev.tollgate.credits;

import dev.tollgate.auth.CurrentCaller;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Billing administration: grants, and the proof that a balance is the sum of its entries. */
@Path("api/v1/admin/credits")
@RequestScoped
@RolesAllowed("billing_admin")
@Produces(MediaType.APPLICATION_JSON)
public class CreditsAdminResource {

    public record GrantRequest(@NotBlank @Size(max = 255) String companyId,
                               @NotNull @Min(1) @Max(1_000_000_000_000L) Long credits) {
    }

    public record Granted(String companyId, long credits, long balance, boolean booked) {
    }

    public record Check(String companyId, long balance, long sumOfEntries, boolean consistent) {
    }

    @Inject
    CurrentCaller caller;

    @Inject
    CreditLedger ledger;

    @Inject
    LedgerQueries queries;

    @Inject
    UsageReconciliation reconciliation;

    @Inject
    Reservations reservations;

    public record Reconciled(Long id, Instant startedAt, Instant periodFrom, Instant periodTo, int checked,
                             int adjustments, int mismatches, String details) {

        static Reconciled of(ReconciliationRun run) {
            return new Reconciled(run.id(), run.startedAt(), run.periodFrom(), run.periodTo(), run.checked(),
                    run.adjustments(), run.mismatches(), run.details());
        }
    }

    /** The last reconciliation with the LLM service's usage report. */
    @GET
    @Path("reconciliation")
    public Reconciled lastReconciliation() {
        return reconciliation.last().map(Reconciled::of).orElseThrow(() ->
                new ProblemException(ProblemType.NO_RECONCILIATION, "No reconciliation has run on this ledger yet."));
    }

    /** Reconciles now instead of waiting for the schedule. */
    @POST
    @Path("reconciliation")
    public Reconciled reconcileNow() {
        return Reconciled.of(reconciliation.run());
    }

    /** 201 when booked; 200 with the same company and amount when the key was used before. */
    @POST
    @Path("grants")
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "201", description = "Granted now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Granted.class)))
    @APIResponse(responseCode = "200", description = "Granted before under this Idempotency-Key: nothing new booked",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Granted.class)))
    public Response grant(@Valid @NotNull GrantRequest body, @HeaderParam("Idempotency-Key") String key) {
        if (key == null || key.isBlank() || key.length() > 200) {
            throw new ProblemException(ProblemType.IDEMPOTENCY_KEY_REQUIRED,
                    "Send an Idempotency-Key header (at most 200 characters) so a retried grant books once.");
        }
        boolean booked = ledger.grant(body.companyId(), body.credits(), key, caller.get().userId());
        Granted granted = new Granted(body.companyId(), body.credits(), ledger.balance(body.companyId()), booked);
        return Response.status(booked ? 201 : 200).entity(granted).build();
    }

    public record Held(UUID turnId, String purpose, String status, String userId, String requestId, UUID sessionId,
                       String model, long amount, long captured, Instant createdAt, Instant expiresAt,
                       Instant settledAt) {

        static Held of(Reservation r) {
            return new Held(r.turnId(), r.purpose().name().toLowerCase(), r.status().name().toLowerCase(), r.userId(),
                    r.requestId(), r.sessionId(), r.model(), r.amount(), r.captured(), r.createdAt(), r.expiresAt(),
                    r.settledAt());
        }
    }

    /** A company's holds, newest first: what is still open, and how each settled one ended. */
    @GET
    @Path("reservations")
    public List<Held> reservations(@QueryParam("company_id") @NotBlank String companyId,
                                             @QueryParam("status") String status,
                                             @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit) {
        return reservations.page(companyId, status == null ? null : parseStatus(status), limit).stream()
                .map(Held::of).toList();
    }

    private static Reservation.Status parseStatus(String status) {
        try {
            return Reservation.Status.valueOf(status.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ProblemException(ProblemType.INVALID_PARAMETER,
                    "status is one of open, captured, released, expired.");
        }
    }

    @GET
    @Path("check")
    public Check check(@QueryParam("company_id") @NotBlank String companyId) {
        long balance = ledger.balance(companyId);
        long sum = queries.sumOfEntries(companyId);
        return new Check(companyId, balance, sum, balance == sum);
    }
}
