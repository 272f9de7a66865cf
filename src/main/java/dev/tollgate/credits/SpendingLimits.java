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
 * Users' optional daily and monthly spending limits. The check locks the user's limit row, so
 * one user's parallel requests are decided one after another and cannot pass a limit together.
 */
@ApplicationScoped
public class SpendingLimits {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    /** Within the user's limits, or which one the hold would pass. Runs inside the hold's transaction. */
    Hold check(Charge charge) {
        if (charge.userId() == null) {
            return Hold.HELD;
        }
        UserLimit limit = em.find(UserLimit.class, new UserLimit.Key(charge.companyId(), charge.userId()),
                LockModeType.PESSIMISTIC_WRITE);
        if (limit == null) {
            return Hold.HELD;
        }
        java.time.ZonedDateTime now = clock.instant().atZone(java.time.ZoneOffset.UTC);
        Instant dayStart = now.toLocalDate().atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        Instant monthStart = now.toLocalDate().withDayOfMonth(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        if (limit.dailyCredits() != null && spentSince(charge, dayStart) + charge.credits() > limit.dailyCredits()) {
            return Hold.DAILY_LIMIT;
        }
        if (limit.monthlyCredits() != null && spentSince(charge, monthStart) + charge.credits() > limit.monthlyCredits()) {
            return Hold.MONTHLY_LIMIT;
        }
        return Hold.HELD;
    }

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
