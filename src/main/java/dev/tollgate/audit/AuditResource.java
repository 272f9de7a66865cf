package dev.tollgate.audit;

import dev.tollgate.auth.Caller;
import dev.tollgate.auth.CurrentCaller;
import dev.tollgate.auth.Policies;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** The auditor's view: the company's events, the usage report and the chain's verdict. */
@Path("api/v1/audit")
@RequestScoped
@RolesAllowed(Policies.AUDITOR)
public class AuditResource {

    public record EventPage(List<AuditView> items, String nextCursor) {
    }

    public record UsageReport(String companyId, Instant from, Instant to, String groupBy,
                              List<UsageReports.UsageRow> groups) {
    }

    @Inject
    CurrentCaller caller;

    @Inject
    AuditQueries queries;

    @Inject
    UsageReports reports;

    @Inject
    AuditVerifier verifier;

    @GET
    @Path("events")
    @Produces(MediaType.APPLICATION_JSON)
    public EventPage events(@QueryParam("from") String from, @QueryParam("to") String to,
                            @QueryParam("user_id") @Size(max = 255) String userId,
                            @QueryParam("action") @Size(max = 64) String action,
                            @QueryParam("outcome") @Size(max = 64) String outcome,
                            @QueryParam("session_id") UUID sessionId, @QueryParam("cursor") String cursor,
                            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(500) int limit) {
        AuditFilter filter = filter(from, to, userId, action, outcome, sessionId);
        List<AuditView> page = queries.page(filter, cursor == null ? null : AuditCursor.decode(cursor), limit);
        String next = page.size() < limit ? null
                : new AuditCursor(page.get(limit - 1).occurredAt(), page.get(limit - 1).id()).encode();
        return new EventPage(page, next);
    }

    /** The same events as CSV, all of them, streamed row by row. */
    @GET
    @Path("events")
    @Produces("text/csv;qs=0.5")
    public Response eventsCsv(@QueryParam("from") String from, @QueryParam("to") String to,
                              @QueryParam("user_id") @Size(max = 255) String userId,
                              @QueryParam("action") @Size(max = 64) String action,
                              @QueryParam("outcome") @Size(max = 64) String outcome,
                              @QueryParam("session_id") UUID sessionId) {
        AuditFilter filter = filter(from, to, userId, action, outcome, sessionId);
        StreamingOutput csv = out -> queries.exportCsv(filter,
                new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024));
        return Response.ok(csv, "text/csv")
                .header("Content-Disposition", "attachment; filename=\"audit-" + filter.companyId() + ".csv\"").build();
    }

    @GET
    @Path("reports/usage")
    @Produces({MediaType.APPLICATION_JSON, "text/csv;qs=0.5"})
    @APIResponse(responseCode = "200", description = "One row per group; as CSV with Accept: text/csv",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UsageReport.class)),
                       @Content(mediaType = "text/csv")})
    public Response usage(@QueryParam("from") String from, @QueryParam("to") String to,
                          @QueryParam("group_by") @DefaultValue("user") String groupBy,
                          @HeaderParam("Accept") String accept) {
        if (!UsageReports.GROUPS.containsKey(groupBy)) {
            throw new ProblemException(ProblemType.INVALID_PARAMETER, "group_by is one of " + UsageReports.GROUPS.keySet() + ".");
        }
        AuditFilter filter = filter(from, to, null, null, null, null);
        List<UsageReports.UsageRow> groups = reports.usage(filter, groupBy);
        if (accept != null && accept.contains("text/csv") && !accept.contains(MediaType.APPLICATION_JSON)) {
            StringBuilder csv = new StringBuilder(UsageReports.UsageRow.CSV_HEADER).append('\n');
            groups.forEach(row -> csv.append(row.csv()).append('\n'));
            return Response.ok(csv.toString(), "text/csv").build();
        }
        return Response.ok(new UsageReport(filter.companyId(), filter.from(), filter.to(), groupBy, groups),
                MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Path("verify")
    @Produces(MediaType.APPLICATION_JSON)
    public AuditVerifier.Verdict verify(@QueryParam("from") String from, @QueryParam("to") String to) {
        AuditFilter filter = filter(from, to, null, null, null, null);
        return verifier.verify(filter.companyId(), filter.from(), filter.to());
    }

    /** The auditor's own company, always: no parameter can point elsewhere. */
    private AuditFilter filter(String from, String to, String userId, String action, String outcome, UUID sessionId) {
        Caller auditor = caller.get();
        if (!Policies.mayReadAudit(auditor, auditor.companyId())) {
            throw new ProblemException(ProblemType.FORBIDDEN, "Audit data is for the company's auditors.");
        }
        Instant start = instant("from", from, Instant.EPOCH);
        Instant end = instant("to", to, Instant.now().plusSeconds(1));
        if (!start.isBefore(end)) {
            throw new ProblemException(ProblemType.INVALID_PERIOD, "from must be before to.");
        }
        return new AuditFilter(auditor.companyId(), start, end, userId, action, outcome, sessionId);
    }

    private static Instant instant(String name, String value, Instant fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ProblemException(ProblemType.INVALID_PERIOD, name + " is an ISO-8601 instant, e.g. 2026-11-01T00:00:00Z.");
        }
    }
}
