package dev.tollgate.credits;

import dev.tollgate.auth.Caller;
import dev.tollgate.auth.CurrentCaller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** The caller's view of their company's credits. */
@Path("api/v1/credits")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class CreditsResource {

    public record Credits(String companyId, long balance, long usedToday, long usedThisMonth, Long dailyLimit,
                          Long monthlyLimit) {
    }

    @Inject
    CurrentCaller caller;

    @Inject
    CreditLedger ledger;

    @Inject
    LedgerQueries queries;

    @Inject
    SpendingLimits limits;

    @Inject
    Clock clock;

    @GET
    @RolesAllowed({"user", "company_admin", "billing_admin"})
    public Credits mine() {
        Caller who = caller.get();
        ZonedDateTime today = ZonedDateTime.now(clock.withZone(ZoneOffset.UTC)).toLocalDate().atStartOfDay(ZoneOffset.UTC);
        ZonedDateTime monthStart = today.withDayOfMonth(1);
        UserLimit limit = limits.limitsOf(who.companyId(), who.userId());
        return new Credits(who.companyId(), ledger.balance(who.companyId()),
                queries.usedBy(who.companyId(), who.userId(), today.toInstant()),
                queries.usedBy(who.companyId(), who.userId(), monthStart.toInstant()),
                limit == null ? null : limit.dailyCredits(), limit == null ? null : limit.monthlyCredits());
    }
}
