package dev.tollgate.chat;

import dev.tollgate.auth.Caller;
import dev.tollgate.credits.Charge;
import dev.tollgate.credits.CreditLedger;
import dev.tollgate.credits.Hold;
import dev.tollgate.credits.Pricing;
import dev.tollgate.ratelimit.RateLimits;
import dev.tollgate.session.ChatSession;
import dev.tollgate.session.SessionMirror;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;

/**
 * What a turn must have before the LLM service is called: the request counted and a stream slot
 * (429 otherwise), the caller's session (404), and the most the answer may cost held (402).
 * A refusal at any step takes back what the steps before it took: refused requests cost nothing.
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
    record Admitted(ChatSession session, Charge charge, Hold hold) {
    }

    @Inject
    RateLimits rateLimits;

    @Inject
    SessionMirror sessions;

    @Inject
    CreditLedger ledger;

    @Inject
    Pricing pricing;

    /**
     * The count and slot commit on their own: in one transaction with the hold they kept the
     * company's stream lock and counter row until the hold's commit, and at 50 parallel answers of
     * one company the added time to first token doubled (docs/performance.md). The owner check of
     * a given session is one read and needs no transaction. A new session is created upstream
     * between the count and the hold, with no lock held.
     */
    Admitted admit(Caller caller, UUID sessionId, Turn turn) {
        rateLimits.openStream(caller, turn.turnId());
        try {
            return sessionId == null
                    ? hold(caller, sessions.open(caller, null, turn.requestId()), turn)
                    : hold(caller, sessions.owned(caller, sessionId), turn);
        } catch (RuntimeException e) {
            rateLimits.closeStream(turn.turnId());
            throw e;
        }
    }

    /** Holds the most this answer may cost; the actual cost is captured when it ends. */
    private Admitted hold(Caller caller, ChatSession session, Turn turn) {
        Charge charge = new Charge(turn.turnId(), caller.companyId(), caller.userId(), turn.requestId(), session.id(),
                turn.model(), pricing.reservation(turn.model(), turn.query(), turn.maxTokens()));
        return new Admitted(session, charge, ledger.reserve(charge));
    }
}
