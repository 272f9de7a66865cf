package dev.tollgate.chat;

import dev.tollgate.auth.Caller;
import dev.tollgate.credits.Charge;
import dev.tollgate.credits.CreditLedger;
import dev.tollgate.credits.Hold;
import dev.tollgate.credits.HoldAsk;
import dev.tollgate.credits.Pricing;
import dev.tollgate.credits.Reservation;
import dev.tollgate.ratelimit.RateLimits;
import dev.tollgate.ratelimit.StreamAsk;
import dev.tollgate.session.SessionMirror;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.util.UUID;

/**
 * What a turn must have before the LLM service is called: the request counted and a stream slot
 * (429 otherwise), the caller's session (404), and the most the answer may cost held (402).
 * A refusal after the count gives the slot back and holds nothing: refused requests cost no
 * credits, and count as requests.
 */
@ApplicationScoped
class TurnAdmission {

    /** The turn as asked. */
    record Turn(UUID turnId, String requestId, String model, String query, int maxTokens) {
    }

    /**
     * The session and the hold. A hold that is not {@link Hold#held()} took no credits; the caller
     * gives the stream slot back, as after any failure that follows admission.
     */
    record Admitted(UUID sessionId, Charge charge, Hold hold) {
    }

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    RateLimits rateLimits;

    @Inject
    SessionMirror sessions;

    @Inject
    CreditLedger ledger;

    @Inject
    Pricing pricing;

    /**
     * Outside any transaction, so that each statement commits at once: the company's counter and
     * account rows, which all its turns update, are locked only while the database runs it.
     */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    Admitted admit(Caller caller, UUID sessionId, Turn turn) {
        return sessionId == null ? admitToNewSession(caller, turn) : admitToSession(caller, sessionId, turn);
    }

    /** Count, slot, session and hold in one statement, {@code tollgate_admit} (db/R__admission.sql). */
    private Admitted admitToSession(Caller caller, UUID sessionId, Turn turn) {
        StreamAsk stream = rateLimits.ask(caller, turn.turnId());
        Charge charge = charge(caller, sessionId, turn);
        Query admission = em.createNativeQuery("select cast(tollgate_admit(" + StreamAsk.ARGUMENTS + ", "
                + HoldAsk.ARGUMENTS + ") as " + HoldAsk.ANSWER_TYPE + ")");
        stream.bind(admission);
        ledger.ask(charge, Reservation.Purpose.TURN).bind(admission);
        Object answer;
        try {
            answer = admission.getSingleResult();
        } catch (PersistenceException e) {
            throw rateLimits.refusalOr(e, stream);
        }
        if ("NO_SESSION".equals(answer)) {
            throw SessionMirror.notFound(sessionId);
        }
        return new Admitted(sessionId, charge, Hold.valueOf(answer.toString()));
    }

    /**
     * The session is created upstream between the count and the hold, with no lock held, so these
     * are separate statements; the count and slot commit before it.
     */
    private Admitted admitToNewSession(Caller caller, Turn turn) {
        rateLimits.openStream(caller, turn.turnId());
        try {
            UUID sessionId = sessions.open(caller, null, turn.requestId()).id();
            Charge charge = charge(caller, sessionId, turn);
            return new Admitted(sessionId, charge, ledger.reserve(charge));
        } catch (RuntimeException e) {
            rateLimits.closeStream(turn.turnId());
            throw e;
        }
    }

    /** The most this answer may cost; the actual cost is captured when it ends. */
    private Charge charge(Caller caller, UUID sessionId, Turn turn) {
        return new Charge(turn.turnId(), caller.companyId(), caller.userId(), turn.requestId(), sessionId,
                turn.model(), pricing.reservation(turn.model(), turn.query(), turn.maxTokens()));
    }
}
