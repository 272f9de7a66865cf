package dev.tollgate.credits;

import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
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
 * A benchmark, not a test (its name keeps it out of the suite; run it with bench/ledger):
 * reserve + capture pairs per second inside Liberty against PostgreSQL, one thread and eight,
 * all on one company (the worst case: every pair touches the same account row).
 */
@ExtendWith(ArquillianExtension.class)
class LedgerThroughputBench {

    @Deployment
    static WebArchive deployment() {
        return CreditLedgerIT.deployment();
    }

    @Inject
    CreditLedger ledger;

    @Inject
    LedgerQueries queries;

    private long pairs(String company, int count) {
        for (int i = 0; i < count; i++) {
            Charge charge = new Charge(UUID.randomUUID(), company, "user-" + (i % 10), "req-" + UUID.randomUUID(), null,
                    "sim-1", 1);
            ledger.reserve(charge);
            ledger.capture(charge, 1);
        }
        return count;
    }

    @Test
    void reserveAndCapturePairsPerSecond() throws Exception {
        String company = "throughput-" + UUID.randomUUID();
        ledger.grant(company, 1_000_000_000L, "throughput-" + company, "bench");
        pairs(company, 200); // warm-up

        long start = System.nanoTime();
        long done = pairs(company, 2000);
        double oneThread = done / ((System.nanoTime() - start) / 1e9);

        ManagedExecutorService executor = InitialContext.doLookup("java:comp/DefaultManagedExecutorService");
        List<Future<Long>> workers = new ArrayList<>();
        start = System.nanoTime();
        for (int t = 0; t < 8; t++) {
            workers.add(executor.submit(() -> pairs(company, 500)));
        }
        long total = 0;
        for (Future<Long> worker : workers) {
            total += worker.get(10, TimeUnit.MINUTES);
        }
        double eightThreads = total / ((System.nanoTime() - start) / 1e9);
        // one println: Liberty's console splits a printf into lines at each argument
        System.out.println(String.format("reserve+capture pairs/s on one company: %.0f (1 thread), %.0f (8 threads)",
                oneThread, eightThreads));
        assertTrue(queries.sumOfEntries(company) == ledger.balance(company));
    }
}
