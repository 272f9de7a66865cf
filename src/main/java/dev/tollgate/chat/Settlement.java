package dev.tollgate.chat;

import dev.tollgate.audit.AuditEntry;
import dev.tollgate.credits.Pricing;
import dev.tollgate.llm.Usage;
import dev.tollgate.streaming.RelayListener;
import dev.tollgate.streaming.RelayOutcome;
import dev.tollgate.streaming.StreamEvents;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What happens when an answer ends: usage shown to the client, mirror and audit updated, place
 * freed. The database work runs on Liberty's managed executor, never on the threads relaying tokens;
 * an answer that arrived whole is recorded (one database statement) before its usage event is sent.
 */
final class Settlement implements RelayListener {

    private final StartedTurn turn;
    private final Pricing pricing;
    private final TurnRecords records;
    private final Executor executor;
    /**
     * Who records the turn: {@link #finished} (the answer arrived whole) or {@link #closed} (it
     * ended otherwise), whichever comes first – a client can leave while the answer completes.
     */
    private final AtomicReference<CompletableFuture<?>> recorded = new AtomicReference<>();

    Settlement(StartedTurn turn, Pricing pricing, TurnRecords records, Executor executor) {
        this.turn = turn;
        this.pricing = pricing;
        this.records = records;
        this.executor = executor;
    }

    @Override
    public CompletionStage<StreamEvents.UsageReport> finished(Usage usage) {
        CompletableFuture<StreamEvents.UsageReport> report = new CompletableFuture<>();
        if (!recorded.compareAndSet(null, report)) {
            report.complete(null); // the client left first and the turn was recorded as it ended: no one to show usage to
            return report;
        }
        try {
            executor.execute(() -> {
                try {
                    TurnRecords.Ended captured = records.answered(turn.charge(), cost(usage, 0),
                            auditEntry("ok", usage, usage.completionTokens()));
                    report.complete(new StreamEvents.UsageReport(usage.promptTokens(), usage.completionTokens(),
                            captured.credits(), captured.balance()));
                } catch (RuntimeException e) {
                    report.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException stopping) {
            report.completeExceptionally(stopping); // closed() records it then
        }
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
        if (recorded.compareAndSet(null, CompletableFuture.completedFuture(null))) {
            recordLater(outcome);
            return;
        }
        // recorded by finished(); should that have failed, the turn is recorded as it ended
        recorded.get().whenComplete((ok, failure) -> {
            if (failure == null) {
                turn.admission().release();
            } else {
                recordLater(outcome);
            }
        });
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
            records.answered(turn.charge(), cost(usage, outcome.tokensDelivered()),
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
