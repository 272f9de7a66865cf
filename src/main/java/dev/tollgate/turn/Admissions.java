package dev.tollgate.turn;

import dev.tollgate.audit.AuditEntry;
import dev.tollgate.audit.AuditRows;
import dev.tollgate.auth.Caller;
import dev.tollgate.credits.Charge;
import dev.tollgate.credits.CreditLedger;
import dev.tollgate.credits.Hold;
import dev.tollgate.credits.HoldAsk;
import dev.tollgate.credits.Reservation;
import dev.tollgate.platform.ProblemType;
import dev.tollgate.platform.Refusal;
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
import java.sql.SQLException;

/**
 * What a turn must have before the LLM service is called, decided in one statement: a place on
 * this server (503 otherwise), then {@code tollgate_admit} (db/R__admission.sql): the request
 * counted and a stream slot taken (429), the session the caller's, or opened now (404 for someone
 * else's), and the most the answer may cost held (402, or 409 for a spent idempotency key). A
 * refusal takes nothing: refused requests cost no credits, and count as requests. The slot this
 * statement takes is given back by the turn's settlement, and by nothing else.
 */
@ApplicationScoped
public class Admissions {

    /**
     * A turn as admission sees it: its ids, the most its answer may cost, and whether Tollgate
     * keeps its session's conversation (null: the client sends it, so it does not matter).
     */
    record Asked(Caller caller, Charge charge, boolean opensSession, Boolean kept) {
    }

    /**
     * The arguments of {@code tollgate_admit} after the count's and the hold's: the audit row of
     * the session the turn opens, or null on a session that exists; and whether its conversation
     * is Tollgate's to keep.
     */
    public static final String OPENING = ":a_opening";
    public static final String KEPT = ":a_kept";

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    OpenStreams openStreams;

    @Inject
    RateLimits rateLimits;

    @Inject
    CreditLedger ledger;

    /**
     * Outside any transaction, so that the statement commits at once: the company's counter and
     * account rows, which all its turns update, are locked only while the database runs it.
     */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    Admission admit(Asked asked) {
        OpenStreams.Place place = openStreams.take();
        if (place == null) {
            return new Admission.Refused(openStreams.full());
        }
        Refusal refusal;
        try {
            refusal = refusal(asked);
        } catch (RuntimeException e) {
            place.release();
            throw e;
        }
        if (refusal != null) {
            place.release();
            return new Admission.Refused(refusal);
        }
        return new Admission.Admitted(asked.charge(), asked.opensSession(), place);
    }

    /** Runs the statement: null when the turn was admitted, else why not. */
    private Refusal refusal(Asked asked) {
        Charge charge = asked.charge();
        StreamAsk stream = rateLimits.ask(asked.caller(), charge.turnId());
        HoldAsk hold = ledger.ask(charge, Reservation.Purpose.TURN);
        Query admission = em.createNativeQuery("select cast(tollgate_admit(" + StreamAsk.ARGUMENTS + ", "
                + HoldAsk.ARGUMENTS + ", cast(" + OPENING + " as jsonb), cast(" + KEPT + " as boolean)) as "
                + HoldAsk.ANSWER_TYPE + ")");
        stream.bind(admission);
        hold.bind(admission);
        admission.setParameter(OPENING.substring(1), asked.opensSession() ? opening(asked, hold) : null);
        admission.setParameter(KEPT.substring(1), asked.kept());
        Object answer;
        try {
            answer = admission.getSingleResult();
        } catch (PersistenceException e) {
            Refusal limited = stream.refusal(sqlState(e));
            if (limited == null) {
                throw e;
            }
            return limited;
        }
        if ("NO_SESSION".equals(answer)) {
            return SessionMirror.notFound(charge.sessionId());
        }
        if ("OTHER_KIND".equals(answer)) {
            return Refusal.of(ProblemType.HISTORY_NOT_KEPT, "This session's history is kept "
                    + (Boolean.TRUE.equals(asked.kept()) ? "by a seed service, which the servers of model '"
                    : "by Tollgate for servers that keep none, and the seed service of model '") + charge.model()
                    + "' cannot read it: start a new session, or send the whole conversation (the /v1 front's messages).");
        }
        return Hold.valueOf(answer.toString()).refusal(() -> ledger.balance(charge.companyId()), charge.credits());
    }

    /** The audit row of the session the turn opens, as the statement writes it. */
    private static String opening(Asked asked, HoldAsk hold) {
        Charge charge = asked.charge();
        AuditEntry created = AuditEntry.of("session.create", AuditEntry.Who.of(charge.companyId(), charge.userId()),
                charge.requestId(), charge.sessionId(), "ok");
        return AuditRows.row(created, hold.now()).toString();
    }

    private static String sqlState(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}
