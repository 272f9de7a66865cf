package dev.tollgate.chat;

import dev.tollgate.audit.ChatAudited;
import dev.tollgate.credits.CreditLedger;
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
    private final String action;
    private final CreditLedger ledger;
    private final TurnRecords records;
    private final Executor executor;

    Settlement(StartedTurn turn, String action, CreditLedger ledger, TurnRecords records, Executor executor) {
        this.turn = turn;
        this.action = action;
        this.ledger = ledger;
        this.records = records;
        this.executor = executor;
    }

    @Override
    public CompletionStage<StreamEvents.UsageReport> finished(Usage usage) {
        return CompletableFuture.supplyAsync(() -> new StreamEvents.UsageReport(usage.promptTokens(),
                usage.completionTokens(), turn.charge().credits(), ledger.balance(turn.charge().companyId())), executor);
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
            records.ended(turn.charge(), new ChatAudited(action, turn.caller().companyId(), turn.caller().userId(),
                    turn.charge().requestId(), turn.charge().sessionId(),
                    usage == null ? null : usage.promptTokens(),
                    usage == null ? outcome.tokensDelivered() : usage.completionTokens(),
                    turn.charge().credits(), outcome.completed() ? "ok" : outcome.status(), turn.elapsedMs()));
        } finally {
            turn.admission().release();
        }
    }
}
