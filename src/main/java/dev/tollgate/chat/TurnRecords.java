package dev.tollgate.chat;

import dev.tollgate.audit.ChatAudited;
import dev.tollgate.credits.Charge;
import dev.tollgate.credits.CreditLedger;
import dev.tollgate.session.SessionMirror;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;

/** What a finished or failed turn writes, each in one transaction (one commit per turn end). */
@ApplicationScoped
public class TurnRecords {

    @Inject
    SessionMirror sessions;

    @Inject
    CreditLedger ledger;

    @Inject
    Event<ChatAudited> audit;

    @Inject
    Clock clock;

    /** The answer ended (completed, failed midway, or the client left): mirror and audit. */
    @Transactional
    public void ended(Charge charge, ChatAudited record) {
        sessions.recordTurn(charge.sessionId(), charge.credits(), Instant.now(clock));
        audit.fire(record);
    }

    /** No token was produced: the debit is refunded and the failure audited. */
    @Transactional
    public void failedBeforeFirstToken(Charge charge, ChatAudited record) {
        ledger.refund(charge);
        audit.fire(record);
    }
}
