package dev.tollgate.chat;

import dev.tollgate.audit.ChatAudited;
import dev.tollgate.credits.CreditLedger;
import dev.tollgate.llm.Usage;
import dev.tollgate.streaming.RelayListener;
import dev.tollgate.streaming.RelayOutcome;
import dev.tollgate.streaming.StreamEvents;

/** What happens when an answer ends: usage shown to the client, mirror and audit updated, place freed. */
final class Settlement implements RelayListener {

    private final StartedTurn turn;
    private final String action;
    private final CreditLedger ledger;
    private final TurnRecords records;

    Settlement(StartedTurn turn, String action, CreditLedger ledger, TurnRecords records) {
        this.turn = turn;
        this.action = action;
        this.ledger = ledger;
        this.records = records;
    }

    @Override
    public StreamEvents.UsageReport finished(Usage usage) {
        return new StreamEvents.UsageReport(usage.promptTokens(), usage.completionTokens(), turn.charge().credits(),
                ledger.balance(turn.charge().companyId()));
    }

    @Override
    public void closed(RelayOutcome outcome) {
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
