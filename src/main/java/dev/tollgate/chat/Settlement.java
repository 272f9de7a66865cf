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
 * freed. The database work runs on Liberty's managed executor, never on the threads relaying tokens.
 */
final class Settlement implements RelayListener {

    private final StartedTurn turn;
    private final Pricing pricing;
    private final CreditLedger ledger;
    private final TurnRecords records;
    private final Executor executor;

    Settlement(StartedTurn turn, Pricing pricing, CreditLedger ledger, TurnRecords records, Executor executor) {
        this.turn = turn;
        this.pricing = pricing;
        this.ledger = ledger;
        this.records = records;
        this.executor = executor;
    }

    @Override
    public CompletionStage<StreamEvents.UsageReport> finished(Usage usage) {
        return CompletableFuture.supplyAsync(() -> {
            CreditLedger.Captured captured = ledger.captureShowingBalance(turn.charge(), cost(usage, 0));
            return new StreamEvents.UsageReport(usage.promptTokens(), usage.completionTokens(), captured.credits(),
                    captured.balance());
        }, executor);
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
                    AuditEntry.of(turn.action(), turn.who(), turn.charge().requestId(), turn.charge().sessionId(),
                                    outcome.completed() ? "ok" : outcome.status())
                            .withUsage(turn.prompt().model(), usage == null ? null : usage.promptTokens(),
                                    usage == null ? outcome.tokensDelivered() : usage.completionTokens(), null)
                            .withTimes(turn.elapsedMs(), turn.ttftMs()));
        } finally {
            turn.admission().release();
        }
    }
}
