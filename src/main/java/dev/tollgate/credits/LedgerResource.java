package dev.tollgate.credits;

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
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
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

/**
 * The ledger behind a balance. Users see their own entries; company and billing admins their
 * company's. JSON pages newest first; {@code Accept: text/csv} exports a period row by row.
 */
@Path("api/v1/credits/ledger")
@RequestScoped
@RolesAllowed({"user", "company_admin", "billing_admin"})
public class LedgerResource {

    @Inject
    CurrentCaller caller;

    @Inject
    LedgerQueries ledger;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public LedgerView page(@QueryParam("cursor") String cursor,
                           @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit) {
        Caller who = caller.get();
        List<LedgerEntry> rows = ledger.page(who.companyId(), wholeCompany(who) ? null : who.userId(), before(cursor), limit);
        String next = rows.size() == limit ? String.valueOf(rows.get(rows.size() - 1).id()) : null;
        return new LedgerView(rows.stream().map(LedgerView.Entry::of).toList(), next);
    }

    /** The company's entries of [from, to) as CSV; company and billing admins only. */
    @GET
    @Produces("text/csv;qs=0.5") // JSON unless the client asks for CSV
    public Response csv(@QueryParam("from") String from, @QueryParam("to") String to) {
        Caller who = caller.get();
        if (!wholeCompany(who)) {
            throw new ProblemException(ProblemType.FORBIDDEN, "The CSV export of a company's ledger is for company and billing admins.");
        }
        Instant start = instant(from, "from");
        Instant end = instant(to, "to");
        StreamingOutput body = out -> {
            var writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            ledger.exportCsv(who.companyId(), start, end, writer);
        };
        return Response.ok(body, "text/csv")
                .header("Content-Disposition", "attachment; filename=\"ledger-" + who.companyId() + ".csv\"").build();
    }

    private static boolean wholeCompany(Caller who) {
        return Policies.mayReadCompanyLedger(who);
    }

    private static Long before(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw new ProblemException(ProblemType.INVALID_CURSOR, "The cursor is not one this API handed out.");
        }
    }

    private static Instant instant(String value, String name) {
        if (value == null) {
            throw new ProblemException(ProblemType.INVALID_PERIOD, "Give 'from' and 'to' as ISO-8601 instants.");
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ProblemException(ProblemType.INVALID_PERIOD, "'" + name + "' must be an ISO-8601 instant, e.g. 2026-11-01T00:00:00Z.");
        }
    }
}
