package dev.tollgate.credits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.platform.Clocks;
import dev.tollgate.testing.Archives;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.naming.InitialContext;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ledger inside Liberty, against PostgreSQL through the server's JTA data source
 * (Arquillian deploys this package into the running test server).
 */
@ExtendWith(ArquillianExtension.class)
class CreditLedgerIT {

    @Deployment
    static WebArchive deployment() {
        return Archives.ledger("credit-ledger-it.war").addClasses(Clocks.class);
    }

    @Inject
    CreditLedger ledger;

    @Inject
    LedgerQueries queries;

    @Inject
    SpendingLimits limits;

    @Inject
    Reservations reservations;

    private static Charge charge(String company, long credits) {
        return new Charge(UUID.randomUUID(), company, "user-1", "req-" + UUID.randomUUID(), null, "sim-1", credits);
    }

    @Test
    void aNewCompanyStartsWithTheInitialGrantAndAHoldTakesFromIt() {
        String company = "ledger-" + UUID.randomUUID();
        ledger.reserve(charge(company, 10));
        // The test server grants 1000 credits to a new company (TOLLGATE_CREDITS_INITIAL_GRANT).
        assertEquals(990, ledger.balance(company));
        assertTrue(queries.sumOfEntries(company) == ledger.balance(company));
    }

    @Test
    void repeatingAHoldOrAReleaseBooksItOnce() {
        String company = "ledger-" + UUID.randomUUID();
        Charge charge = charge(company, 25);
        ledger.reserve(charge);
        ledger.reserve(charge);
        assertEquals(975, ledger.balance(company));
        ledger.release(charge);
        ledger.release(charge);
        assertEquals(1000, ledger.balance(company));
        assertEquals(2, queries.entriesForRequest(charge.requestId()).size());
        assertTrue(queries.sumOfEntries(company) == ledger.balance(company));
    }

    @Test
    void captureBooksTheActualCostOnceAndReleasesTheRestOfTheHold() {
        String company = "ledger-" + UUID.randomUUID();
        Charge charge = charge(company, 100);
        ledger.reserve(charge);
        assertEquals(900, ledger.balance(company));

        assertEquals(30, ledger.capture(charge, 30));
        assertEquals(30, ledger.capture(charge, 80)); // settling again books nothing new
        ledger.release(charge);                     // nor does a late release
        assertEquals(970, ledger.balance(company));
        assertEquals(3, queries.entriesForRequest(charge.requestId()).size());
        assertTrue(queries.sumOfEntries(company) == ledger.balance(company));
    }

    @Test
    void eachHoldSaysWhereItStandsAndUntilWhenItMayStayOpen() {
        String company = "ledger-" + UUID.randomUUID();
        Charge open = charge(company, 10);
        Charge captured = charge(company, 100);
        Charge released = charge(company, 100);
        Charge expired = charge(company, 100);
        for (Charge charge : List.of(open, captured, released, expired)) {
            assertEquals(Hold.HELD, ledger.reserve(charge));
        }
        ledger.capture(captured, 30);
        ledger.release(released);
        ledger.expire(expired, OptionalLong.of(15));
        ledger.expire(captured, OptionalLong.empty()); // a settled hold does not expire

        Reservation stillOpen = reservations.find(open.turnId());
        assertEquals(Reservation.Status.OPEN, stillOpen.status());
        assertNull(stillOpen.settledAt());
        // the test server gives a turn's hold two minutes (TOLLGATE_CREDITS_HOLD_TTL_MS)
        assertEquals(Duration.ofMinutes(2), Duration.between(stillOpen.createdAt(), stillOpen.expiresAt()));
        assertEquals(Reservation.Status.CAPTURED, reservations.find(captured.turnId()).status());
        assertEquals(30, reservations.find(captured.turnId()).captured());
        assertEquals(Reservation.Status.RELEASED, reservations.find(released.turnId()).status());
        assertEquals(Reservation.Status.EXPIRED, reservations.find(expired.turnId()).status());
        assertEquals(15, reservations.find(expired.turnId()).captured());
        assertNotNull(reservations.find(expired.turnId()).settledAt());
        assertEquals(1000 - 10 - 30 - 15, ledger.balance(company));
        assertTrue(queries.sumOfEntries(company) == ledger.balance(company));
    }

    @Test
    void aCaptureNeverTakesMoreThanTheHold() {
        String company = "ledger-" + UUID.randomUUID();
        Charge charge = charge(company, 50);
        ledger.reserve(charge);
        assertEquals(50, ledger.capture(charge, 75));
        assertEquals(950, ledger.balance(company));
        assertTrue(queries.sumOfEntries(company) == ledger.balance(company));
    }

    @Test
    void aDailyLimitCountsOpenHoldsAndCapturesAndFreesWhatIsReleased() {
        String company = "ledger-" + UUID.randomUUID();
        limits.setLimits(company, "user-1", 100L, null);
        Charge first = charge(company, 60);

        assertEquals(Hold.HELD, ledger.reserve(first));
        assertEquals(Hold.DAILY_LIMIT, ledger.reserve(charge(company, 50)));
        ledger.capture(first, 20); // 20 spent, 80 of the day left
        assertEquals(Hold.HELD, ledger.reserve(charge(company, 80)));
        assertEquals(Hold.DAILY_LIMIT, ledger.reserve(charge(company, 1)));
        assertTrue(queries.sumOfEntries(company) == ledger.balance(company));
    }

    @Test
    void oneUsersParallelRequestsCannotPassTheirLimitTogether() throws Exception {
        String company = "ledger-" + UUID.randomUUID();
        ledger.reserve(charge(company, 0)); // opens the pool (1000 credits)
        limits.setLimits(company, "user-1", null, 100L);
        ManagedExecutorService executor = InitialContext.doLookup("java:comp/DefaultManagedExecutorService");
        List<Future<Hold>> attempts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            attempts.add(executor.submit(() -> ledger.reserve(charge(company, 30))));
        }
        int held = 0;
        for (Future<Hold> attempt : attempts) {
            held += attempt.get(60, TimeUnit.SECONDS).held() ? 1 : 0;
        }
        assertEquals(3, held);
        assertEquals(910, ledger.balance(company));
    }

    @Test
    void concurrentHoldsNeverOverspend() throws Exception {
        String company = "ledger-" + UUID.randomUUID();
        ledger.reserve(charge(company, 0)); // opens the pool: 1000 credits, worth exactly 10 holds of 100
        ManagedExecutorService executor = InitialContext.doLookup("java:comp/DefaultManagedExecutorService");
        List<Future<Hold>> attempts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            attempts.add(executor.submit(() -> ledger.reserve(charge(company, 100))));
        }
        int admitted = 0;
        for (Future<Hold> attempt : attempts) {
            admitted += attempt.get(60, TimeUnit.SECONDS).held() ? 1 : 0;
        }
        assertEquals(10, admitted);
        assertEquals(0, ledger.balance(company));
        assertTrue(queries.sumOfEntries(company) == ledger.balance(company));
    }

    @Test
    void aHoldLargerThanTheBalanceIsRefusedAndBooksNothing() {
        String company = "ledger-" + UUID.randomUUID();
        ledger.reserve(charge(company, 990));
        assertEquals(Hold.INSUFFICIENT_CREDITS, ledger.reserve(charge(company, 11)));
        assertEquals(10, ledger.balance(company));
        assertTrue(queries.sumOfEntries(company) == ledger.balance(company));
    }
}
