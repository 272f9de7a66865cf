package dev.tollgate.credits;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Users' optional daily and monthly spending limits. A hold checks them (in {@code tollgate_reserve},
 * db/V13) with the user's limit row locked, so one user's parallel requests are decided one after
 * another and cannot pass a limit together; what counts as spent is {@link #spentSince}'s sum.
 */
@ApplicationScoped
public class SpendingLimits {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    /** A user's spending since an instant: captures, plus holds still open (they may all be spent). */
    public long spentSince(Charge charge, Instant since) {
        return -em.createQuery("""
                        select coalesce(sum(e.amount), 0) from LedgerEntry e
                        where e.companyId = :c and e.userId = :u and e.createdAt >= :since
                          and e.kind in (:kinds)""", Long.class)
                .setParameter("c", charge.companyId())
                .setParameter("u", charge.userId())
                .setParameter("since", since)
                .setParameter("kinds", List.of(LedgerEntry.Kind.RESERVE, LedgerEntry.Kind.RELEASE, LedgerEntry.Kind.CAPTURE))
                .getSingleResult();
    }

    @Transactional
    public UserLimit limitsOf(String companyId, String userId) {
        return em.find(UserLimit.class, new UserLimit.Key(companyId, userId));
    }

    /** Sets a user's limits (null: no limit for that period). */
    @Transactional
    public void setLimits(String companyId, String userId, Long daily, Long monthly) {
        UserLimit.Key key = new UserLimit.Key(companyId, userId);
        UserLimit limit = em.find(UserLimit.class, key, LockModeType.PESSIMISTIC_WRITE);
        if (limit == null) {
            limit = new UserLimit(key);
            limit.set(daily, monthly, Instant.now(clock));
            em.persist(limit);
        } else {
            limit.set(daily, monthly, Instant.now(clock));
        }
    }
}
