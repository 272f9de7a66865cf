package dev.tollgate.turn;

import dev.tollgate.audit.AuditEntry;
import dev.tollgate.audit.AuditRows;
import dev.tollgate.credits.Charge;
import dev.tollgate.credits.Pricing;
import dev.tollgate.session.Conversations;
import dev.tollgate.llm.Usage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import org.hibernate.query.NativeQuery;

/**
 * What a turn writes when it ends, in one statement, {@code tollgate_end_turn} (db/R__settlement.sql):
 * its hold settled (the cost captured, or all of it released), its stream slot given back, its
 * session's mirror counted and its audit row written. Atomic on its own and run outside any
 * transaction, so the company's pool row, which all its answers update, is locked only while the
 * database runs it.
 */
@ApplicationScoped
class Settlements {

    /** What the turn's hold captured (its earlier capture if it was settled before), and the balance after. */
    record Ended(long credits, long balance) {
    }

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Pricing pricing;

    @Inject
    Conversations conversations;

    /**
     * The answer ended, whole or not, with {@code outcome} ({@code ok} when whole): what it cost
     * is captured once (a hold settled already, by a usage webhook say, stays as it is) and the
     * audit row shows that amount. The cost is the LLM service's usage when it reported one;
     * otherwise (a hang-up, a broken stream, a server that reports none) the prompt's counted or
     * estimated tokens and the tokens delivered. A conversation Tollgate keeps gets the question and
     * what was answered of it.
     */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    Ended answered(StartedTurn turn, String outcome, Usage usage, int delivered, String answer) {
        String model = turn.prompt().model();
        long cost = usage != null
                ? pricing.cost(model, usage.promptTokens(), usage.completionTokens())
                : pricing.cost(model, pricing.promptTokens(model, turn.prompt().texts()), delivered);
        AuditEntry record = AuditEntry.of(turn.action(), turn.who(), turn.charge().requestId(),
                        turn.charge().sessionId(), outcome)
                .withUsage(model, usage == null ? null : usage.promptTokens(),
                        usage == null ? delivered : usage.completionTokens(), null)
                .withTimes(turn.elapsedMs(), turn.ttftMs()).withTarget(turn.route());
        Ended ended = end(turn.charge(), cost, record);
        if (turn.keepsConversation()) {
            conversations.append(turn.charge().sessionId(), turn.prompt().query(), answer);
        }
        return ended;
    }

    /** No token was produced: the hold is released, the failure audited, the session left as it was. */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    void failedBeforeFirstToken(Charge charge, AuditEntry record) {
        end(charge, null, record);
    }

    private Ended end(Charge charge, Long actualCredits, AuditEntry record) {
        Instant now = clock.instant();
        Object[] ended = (Object[]) em.createNativeQuery(
                        "select * from tollgate_end_turn(?1, ?2, ?3, ?4, ?5, cast(?6 as jsonb))")
                .unwrap(NativeQuery.class)
                .setParameter(1, charge.turnId()).setParameter(2, charge.companyId()).setParameter(3, charge.sessionId())
                .setParameter(4, actualCredits, Long.class).setParameter(5, now)
                .setParameter(6, AuditRows.row(record, now).toString())
                .getSingleResult();
        return new Ended(((Number) ended[0]).longValue(), ((Number) ended[1]).longValue());
    }
}
