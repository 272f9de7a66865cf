package dev.tollgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.auth.Caller;
import dev.tollgate.auth.CurrentCaller;
import dev.tollgate.auth.Policies;
import dev.tollgate.auth.TokenCallers;
import dev.tollgate.credits.Charge;
import dev.tollgate.credits.CreditLedger;
import dev.tollgate.credits.Hold;
import dev.tollgate.credits.LedgerQueries;
import dev.tollgate.platform.CurrentRequest;
import dev.tollgate.platform.Hashes;
import dev.tollgate.platform.JsonFormat;
import dev.tollgate.platform.Periodic;
import dev.tollgate.platform.RequestIds;
import dev.tollgate.testing.Archives;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.transaction.UserTransaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.naming.InitialContext;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Money booked at any time is audited: a settled turn, a usage webhook's booking and a
 * reconciliation's adjustment on a clock two years behind and one year ahead, on a database whose
 * partitions were made today. Runs inside Liberty with a clock the test moves.
 */
@ExtendWith(ArquillianExtension.class)
class AuditAtAnyTimeIT {

    @Deployment
    static WebArchive deployment() {
        return Archives.ledger("audit-any-time-it.war")
                .addClasses(AuditRecorder.class, AuditRows.class, AuditRows.Timed.class, AuditVerifier.class,
                        AuditVerifier.Verdict.class, AuditVerifier.Broken.class, AuditChain.class, AuditSealer.class)
                .addClasses(MovableClock.class, JsonFormat.class, Periodic.class, CurrentRequest.class, RequestIds.class,
                        CurrentCaller.class, TokenCallers.class, Hashes.class, Caller.class, Policies.class, Rows.class);
    }

    /** The application's clock, moved by the test (in place of the system clock of platform.Clocks). */
    @ApplicationScoped
    public static class MovableClock {

        static volatile Duration shift = Duration.ZERO;

        @Produces
        @Singleton
        Clock clock() {
            return new Clock() {
                @Override
                public ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return Instant.now().plus(shift);
                }
            };
        }
    }

    /** Reads audit rows through the server's persistence unit. */
    @ApplicationScoped
    public static class Rows {

        @PersistenceContext(unitName = "tollgate")
        EntityManager em;

        @Transactional
        @SuppressWarnings("unchecked")
        List<Object[]> audit(String company) {
            return em.createNativeQuery("select action, occurred_at, hash from audit_event where company_id = ?1 order by id")
                    .setParameter(1, company).getResultList();
        }
    }

    @Inject
    CreditLedger ledger;

    @Inject
    LedgerQueries queries;

    @Inject
    AuditVerifier verifier;

    @Inject
    AuditSealer sealer;

    @Inject
    Rows rows;

    @AfterEach
    void clockBack() {
        MovableClock.shift = Duration.ZERO;
    }

    @Test
    void aSettlementAWebhookAndAReconciliationAreAuditedWhateverTheTime() throws Exception {
        String company = "any-time-" + UUID.randomUUID();
        List<String> expected = new ArrayList<>();
        for (Duration shift : List.of(Duration.ofDays(-730), Duration.ofDays(365))) {
            MovableClock.shift = shift;
            String month = Instant.now().plus(shift).toString().substring(0, 7);

            // A turn: held and captured in one transaction, so no sweeper sees its long-past expiry.
            Charge turn = new Charge(UUID.randomUUID(), company, "user-1", "req-" + UUID.randomUUID(), null, "sim-1", 20);
            UserTransaction transaction = InitialContext.doLookup("java:comp/UserTransaction");
            transaction.begin();
            assertEquals(Hold.HELD, ledger.reserve(turn));
            assertEquals(7, ledger.capture(turn, 7));
            transaction.commit();
            expected.add("reservation.captured " + month);

            assertTrue(ledger.bookReportedUsage(company, "direct-user", "req-" + UUID.randomUUID(), 5,
                    "usage:evt-" + UUID.randomUUID()));
            expected.add("usage.reported " + month);

            String missing = "req-" + UUID.randomUUID();
            assertTrue(ledger.bookAdjustment(company, "user-1", missing, 3, "reconcile:" + missing));
            expected.add("reconciliation.adjustment " + month);
        }
        MovableClock.shift = Duration.ZERO;

        assertEquals(expected, rows.audit(company).stream().map(row -> row[0] + " "
                + ((Instant) row[1]).toString().substring(0, 7)).toList());
        assertTrue(queries.sumOfEntries(company) == ledger.balance(company));
        assertEquals(1000 - 2 * (7 + 5 + 3), ledger.balance(company));

        // Sealed by this archive's sealer or the application's, whichever holds the lock.
        Instant deadline = Instant.now().plusSeconds(30);
        while (rows.audit(company).stream().anyMatch(row -> row[2] == null) && Instant.now().isBefore(deadline)) {
            sealer.seal();
        }
        Instant now = Instant.now();
        AuditVerifier.Verdict verdict = verifier.verify(company, now.minus(1100, ChronoUnit.DAYS), now.plus(400, ChronoUnit.DAYS));
        assertTrue(verdict.intact(), String.valueOf(verdict.firstBroken()));
        assertEquals(expected.size(), verdict.checked());
    }
}
