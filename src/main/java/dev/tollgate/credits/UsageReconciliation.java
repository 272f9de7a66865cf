package dev.tollgate.credits;

import dev.tollgate.llm.LlmService;
import dev.tollgate.llm.ReportedUsage;
import dev.tollgate.platform.Periodic;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Compares the LLM service's usage report with the ledger. A billed request the ledger has no
 * booking for is booked as an ADJUSTMENT (once: its key is the request id); a request booked at
 * a different amount is reported as a mismatch, not changed. Every server may run it: the keys
 * make a second run book nothing.
 */
@ApplicationScoped
public class UsageReconciliation {

    @Inject
    LlmService llm;

    @Inject
    CreditLedger ledger;

    @Inject
    LedgerQueries queries;

    @Inject
    Pricing pricing;

    @Inject
    ReconciliationRuns runs;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "tollgate.reconcile.every-ms")
    long everyMs;

    @Inject
    @ConfigProperty(name = "tollgate.reconcile.window-ms")
    long windowMs;

    @Inject
    Periodic periodic;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        periodic.every(everyMs, "Reconciliation", this::run);
    }

    /** Reconciles the last window and records what it found. */
    public ReconciliationRun run() {
        Instant started = clock.instant();
        Instant from = started.minus(Duration.ofMillis(windowMs));
        List<ReportedUsage> report = llm.usageReport(from, started);
        int adjustments = 0;
        List<String> mismatches = new ArrayList<>();
        for (ReportedUsage used : report) {
            if (used.requestId() == null || used.companyId() == null || queries.holdOpenFor(used.requestId())) {
                continue; // still streaming, or its abandoned hold will be settled from the same report
            }
            OptionalLong priced = pricing.costIfPriced(used.model(), used.promptTokens(), used.completionTokens());
            if (priced.isEmpty()) {
                mismatches.add(used.requestId() + ": model '" + used.model() + "' has no price here");
                continue;
            }
            long expected = priced.getAsLong();
            long booked = queries.bookedFor(used.requestId());
            if (booked == 0 && expected > 0) {
                if (ledger.bookAdjustment(used.companyId(), used.userId(), used.requestId(), expected,
                        "reconcile:" + used.requestId())) {
                    adjustments++;
                }
            } else if (booked != expected) {
                mismatches.add(used.requestId() + ": booked " + booked + ", reported " + expected);
            }
        }
        return runs.record(new ReconciliationRun(started, from, started, report.size(), adjustments,
                mismatches.size(), String.join("\n", mismatches)));
    }

    public Optional<ReconciliationRun> last() {
        return runs.last();
    }
}
