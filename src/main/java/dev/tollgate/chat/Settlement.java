package dev.tollgate.chat;

import dev.tollgate.audit.ChatAudited;
import dev.tollgate.credits.CreditLedger;
import dev.tollgate.llm.Usage;
import dev.tollgate.session.SessionMirror;
import dev.tollgate.streaming.RelayListener;
import dev.tollgate.streaming.RelayOutcome;
import dev.tollgate.streaming.StreamEvents;
import jakarta.enterprise.event.Event;
import java.time.Clock;
import java.time.Instant;

/** What happens when an answer ends: usage shown to the client, mirror and audit updated, place freed. */
final class Settlement implements RelayListener {

    private final StartedTurn turn;
    private final String action;
    private final SessionMirror sessions;
    private final CreditLedger ledger;
    private final Event<ChatAudited> audit;
    private final Clock clock;

    Settlement(StartedTurn turn, String action, SessionMirror sessions, CreditLedger ledger,
               Event<ChatAudited> audit, Clock clock) {
        this.turn = turn;
        this.action = action;
        this.sessions = sessions;
        this.ledger = ledger;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public StreamEvents.UsageReport finished(Usage usage) {
        return new StreamEvents.UsageReport(usage.promptTokens(), usage.completionTokens(), turn.charge().credits(),
                ledger.balance(turn.charge().companyId()));
    }

    @Override
    public void closed(RelayOutcome outcome) {
        try {
            sessions.recordTurn(turn.charge().sessionId(), turn.charge().credits(), Instant.now(clock));
            Usage usage = outcome.usage();
            audit.fire(new ChatAudited(action, turn.caller().companyId(), turn.caller().userId(),
                    turn.charge().requestId(), turn.charge().sessionId(),
                    usage == null ? null : usage.promptTokens(),
                    usage == null ? outcome.tokensDelivered() : usage.completionTokens(),
                    turn.charge().credits(), outcome.completed() ? "ok" : outcome.status(), turn.elapsedMs()));
        } finally {
            turn.admission().release();
        }
    }
}
