package dev.tollgate.auth;

import dev.tollgate.credits.Pricing;
import dev.tollgate.credits.SpendingLimits;
import dev.tollgate.credits.UserLimit;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** A company admin's API keys for the company's services (docs/security.md, API keys). */
@Path("api/v1/admin/api-keys")
@RequestScoped
@RolesAllowed(Policies.COMPANY_ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class ApiKeysResource {

    /** What a new key is for; its limits are its service user's spending limits. */
    public record NewKey(@NotNull @Pattern(regexp = "[A-Za-z0-9._-]{1,100}") String serviceUser,
                         @NotNull @Size(min = 1, max = 4) List<@NotNull String> roles,
                         Instant expiresAt,
                         @Size(min = 1, max = 100) List<@NotNull String> models,
                         @Min(0) Long dailyCredits, @Min(0) Long monthlyCredits) {
    }

    /** A key as admins see it. {@code secret} is there once, in the answer that created the key. */
    public record KeyView(UUID id, String prefix, String serviceUser, String userId, Set<String> roles,
                          Set<String> models, String createdBy, Instant createdAt, Instant expiresAt,
                          Instant revokedAt, Instant lastUsedAt, Long dailyCredits, Long monthlyCredits,
                          String secret) {
    }

    @Inject
    CurrentCaller caller;

    @Inject
    ApiKeys keys;

    @Inject
    Pricing pricing;

    @Inject
    SpendingLimits limits;

    @Inject
    Clock clock;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    @APIResponse(responseCode = "201", description = "Made; the secret is in this answer and nowhere else",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = KeyView.class)))
    public Response create(@Valid @NotNull NewKey asked) {
        Caller admin = caller.get();
        Set<String> roles = new TreeSet<>(asked.roles());
        for (String role : roles) {
            if (!Policies.ROLES.contains(role)) {
                throw ProblemException.invalidField("roles", "holds '" + role + "', which is none of " + new TreeSet<>(Policies.ROLES));
            }
        }
        if (!Policies.mayGrant(admin, roles)) {
            throw new ProblemException(ProblemType.ROLE_NOT_GRANTABLE,
                    "A key gets at most your own roles " + new TreeSet<>(admin.roles()) + ".");
        }
        if (asked.expiresAt() != null && !asked.expiresAt().isAfter(clock.instant())) {
            throw ProblemException.invalidField("expires_at", "is not in the future");
        }
        Set<String> models = null;
        if (asked.models() != null) {
            models = new LinkedHashSet<>();
            for (String model : asked.models()) {
                models.add(pricing.model(model)); // a model without a price cannot be allowed
            }
        }
        ApiKeys.Issued issued = keys.create(admin, asked.serviceUser(), roles, models, asked.expiresAt());
        String userId = issued.key().caller().userId();
        if (asked.dailyCredits() != null || asked.monthlyCredits() != null) {
            limits.setLimits(admin.companyId(), userId, asked.dailyCredits(), asked.monthlyCredits());
        }
        return Response.status(Response.Status.CREATED).entity(view(issued.key(), issued.secret())).build();
    }

    @GET
    public List<KeyView> list() {
        return keys.of(caller.get().companyId()).stream().map(key -> view(key, null)).toList();
    }

    /** Revokes the key; every server refuses it within {@code tollgate.api-keys.recheck-ms}. */
    @DELETE
    @Path("{id}")
    @APIResponse(responseCode = "204", description = "Revoked (a key revoked before stays so)")
    public Response revoke(@PathParam("id") UUID id) {
        keys.revoke(caller.get(), id);
        return Response.noContent().build();
    }

    private KeyView view(ApiKey key, String secret) {
        Caller service = key.caller();
        UserLimit limit = limits.limitsOf(service.companyId(), service.userId());
        return new KeyView(key.id(), KeySecrets.START + key.prefix(), key.serviceUser(), service.userId(),
                new TreeSet<>(key.roles()), key.models() == null ? null : new TreeSet<>(key.models()), key.createdBy(), key.createdAt(), key.expiresAt(),
                key.revokedAt(), key.lastUsedAt(), limit == null ? null : limit.dailyCredits(),
                limit == null ? null : limit.monthlyCredits(), secret);
    }
}
