package dev.tollgate.chat;

import dev.tollgate.audit.AuditEntry;
import dev.tollgate.audit.AuditRows;
import dev.tollgate.credits.Charge;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import org.hibernate.query.NativeQuery;

/**
 * What a turn writes when it ends, in one statement, {@code tollgate_end_turn} (db/R__settlement.sql): its hold
 * settled (the cost captured, or all of it released), its stream slot freed, its session's mirror
 * counted and its audit row written. Atomic on its own and run outside any transaction, so the
 * company's pool row, which all its answers update, is locked only while the database runs it.
 */
@ApplicationScoped
public class TurnRecords {

    /** What the turn's hold captured (its earlier capture if it was settled before), and the balance after. */
    public record Ended(long credits, long balance) {
    }

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    /**
     * The answer ended, whole or not: what it cost is captured (once: a hold settled already, by
     * a usage webhook say, stays as it is) and the audit row shows that amount.
     */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public Ended answered(Charge charge, long actualCredits, AuditEntry record) {
        return end(charge, actualCredits, record);
    }

    /** No token was produced: the hold is released, the failure audited, the session left as it was. */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public void failedBeforeFirstToken(Charge charge, AuditEntry record) {
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
