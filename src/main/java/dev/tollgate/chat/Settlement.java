package dev.tollgate.chat;

import dev.tollgate.audit.AuditEntry;
import dev.tollgate.credits.CreditLedger;
import dev.tollgate.credits.Pricing;
import dev.tollgate.llm.Usage;
import dev.tollgate.streaming.RelayListener;
import dev.tollgate.streaming.RelayOutcome;
import dev.tollgate.streaming.StreamEvents;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * What happens when an answer ends: usage shown to the client, mirror and audit updated, place
 * freed. The database work runs on Liberty's managed executor, never on the threads relaying tokens;
 * an answer that arrived whole is recorded in one transaction, before its usage event is sent.
 */
final class Settlement implements RelayListener {

    private final StartedTurn turn;
    private final Pricing pricing;
    private final TurnRecords records;
    private final Executor executor;
    /** The whole turn's record when the answer arrived whole; {@link #closed} then only frees its place. */
    private volatile CompletableFuture<?> recorded;

    Settlement(StartedTurn turn, Pricing pricing, TurnRecords records, Executor executor) {
        this.turn = turn;
        this.pricing = pricing;
        this.records = records;
        this.executor = executor;
    }

    @Override
    public CompletionStage<StreamEvents.UsageReport> finished(Usage usage) {
        CompletableFuture<StreamEvents.UsageReport> report = CompletableFuture.supplyAsync(() -> {
            CreditLedger.Captured captured = records.completed(turn.charge(), cost(usage, 0),
                    auditEntry("ok", usage, usage.completionTokens()));
            return new StreamEvents.UsageReport(usage.promptTokens(), usage.completionTokens(), captured.credits(),
                    captured.balance());
        }, executor);
        recorded = report;
        return report;
    }

    /**
     * What was used: the LLM service's usage when it reported one; otherwise (a hang-up, a broken
     * stream) the prompt estimate and the tokens delivered.
     */
    private long cost(Usage usage, int delivered) {
        String model = turn.prompt().model();
        return usage != null
                ? pricing.cost(model, usage.promptTokens(), usage.completionTokens())
                : pricing.cost(model, Pricing.estimatePromptTokens(turn.prompt().query()), delivered);
    }

    @Override
    public void closed(RelayOutcome outcome) {
        CompletableFuture<?> whole = recorded;
        if (whole != null) {
            // recorded by finished(); should that have failed, the turn is recorded as it ended
            whole.whenComplete((ok, failure) -> {
                if (failure == null) {
                    turn.admission().release();
                } else {
                    recordLater(outcome);
                }
            });
            return;
        }
        recordLater(outcome);
    }

    private void recordLater(RelayOutcome outcome) {
        try {
            executor.execute(() -> record(outcome));
        } catch (RejectedExecutionException stopping) {
            record(outcome); // the server is stopping: record it here rather than lose it
        }
    }

    private void record(RelayOutcome outcome) {
        try {
            Usage usage = outcome.usage();
            records.ended(turn.charge(), cost(usage, outcome.tokensDelivered()),
                    auditEntry(outcome.completed() ? "ok" : outcome.status(), usage,
                            usage == null ? outcome.tokensDelivered() : usage.completionTokens()));
        } finally {
            turn.admission().release();
        }
    }

    private AuditEntry auditEntry(String outcome, Usage usage, int completionTokens) {
        return AuditEntry.of(turn.action(), turn.who(), turn.charge().requestId(), turn.charge().sessionId(), outcome)
                .withUsage(turn.prompt().model(), usage == null ? null : usage.promptTokens(), completionTokens, null)
                .withTimes(turn.elapsedMs(), turn.ttftMs());
    }
}
