package dev.tollgate.chat;

import dev.tollgate.audit.AuditEntry;
import dev.tollgate.credits.Charge;
import dev.tollgate.credits.CreditLedger;
import dev.tollgate.ratelimit.RateLimits;
import dev.tollgate.session.SessionMirror;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;

/** What a finished or failed turn writes, each in one transaction with its ledger entries. */
@ApplicationScoped
public class TurnRecords {

    @Inject
    SessionMirror sessions;

    @Inject
    CreditLedger ledger;

    @Inject
    RateLimits rateLimits;

    @Inject
    Event<AuditEntry> audit;

    @Inject
    Clock clock;

    /**
     * The answer arrived whole: its cost captured, its slot freed, the mirror and the audit row
     * written, all in one transaction. Answers the balance its usage event shows.
     */
    @Transactional
    public CreditLedger.Captured completed(Charge charge, long actualCredits, AuditEntry record) {
        return ledger.captureShowingBalance(charge, actualCredits, captured -> {
            rateLimits.closeStream(charge.turnId());
            sessions.recordTurn(charge.sessionId(), captured, Instant.now(clock));
            audit.fire(record.withCredits(captured));
        });
    }

    /**
     * The answer ended otherwise (failed midway, or the client left): what it cost is captured
     * (once: a hold settled already stays as it is), the mirror and the audit row follow.
     */
    @Transactional
    public void ended(Charge charge, long actualCredits, AuditEntry record) {
        long captured = ledger.capture(charge, actualCredits);
        rateLimits.closeStream(charge.turnId());
        sessions.recordTurn(charge.sessionId(), captured, Instant.now(clock));
        audit.fire(record.withCredits(captured));
    }

    /** No token was produced: the hold is released and the failure audited. */
    @Transactional
    public void failedBeforeFirstToken(Charge charge, AuditEntry record) {
        ledger.release(charge);
        rateLimits.closeStream(charge.turnId());
        audit.fire(record);
    }
}
