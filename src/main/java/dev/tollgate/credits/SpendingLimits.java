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
 * db/R__holds.sql) with the user's limit row locked, so one user's parallel requests are decided one after
 * another and cannot pass a limit together. What counts as spent, captures plus holds still open,
 * is {@code tollgate_spent_since}'s sum (db/R__holds.sql).
 */
@ApplicationScoped
public class SpendingLimits {

    /** More users with limits than a page lists are set through the API one by one. */
    static final int MAX_LISTED = 1000;

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    @Transactional
    public UserLimit limitsOf(String companyId, String userId) {
        return em.find(UserLimit.class, new UserLimit.Key(companyId, userId));
    }

    /** A company's users that have limits, by user id. */
    @Transactional
    public List<UserLimit> limitsOf(String companyId) {
        return em.createQuery("select l from UserLimit l where l.key.companyId = :company order by l.key.userId",
                UserLimit.class).setParameter("company", companyId).setMaxResults(MAX_LISTED).getResultList();
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
