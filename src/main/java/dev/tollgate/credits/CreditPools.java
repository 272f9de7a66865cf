package dev.tollgate.credits;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A company's pool: its one {@code credit_account} row, which every turn of the company updates.
 * Always called inside the ledger's transaction (the persistence context is the transaction's).
 *
 * <p>The row stays locked from its update until the commit. Holds and settlements, which every
 * turn makes, therefore change it in database functions of their own ({@code tollgate_reserve},
 * db/R__holds.sql; {@code tollgate_settle} and {@code tollgate_end_turn}, db/R__settlement.sql),
 * as their last write: first in a transaction driven from here, every other answer of the
 * company would wait for that whole transaction.
 */
@ApplicationScoped
class CreditPools {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    /** Credits a company's pool starts with the first time it is seen (0 in production). */
    @Inject
    @ConfigProperty(name = "tollgate.credits.initial-grant")
    long initialGrant;

    /** Companies whose pool exists, committed (see {@link #ensure}). */
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    /**
     * A company seen for the first time (here or on another server at the same moment) gets its pool
     * now; an existing one is left alone (and not locked). Pools are never removed, so one seen to
     * exist before this transaction is not asked about again.
     */
    void ensure(String companyId) {
        if (!known.contains(companyId) && !open(companyId)) {
            known.add(companyId);
        }
    }

    void add(String companyId, long credits) {
        em.createQuery("update CreditAccount a set a.balance = a.balance + :amount, a.updatedAt = :now where a.companyId = :company")
                .setParameter("amount", credits)
                .setParameter("now", Instant.now(clock))
                .setParameter("company", companyId)
                .executeUpdate();
    }

    void lock(String companyId) {
        em.find(CreditAccount.class, companyId, LockModeType.PESSIMISTIC_WRITE);
    }

    long balance(String companyId) {
        CreditAccount account = em.find(CreditAccount.class, companyId);
        return account == null ? 0 : account.balance();
    }

    /** What a company's pool starts with. */
    long initialGrant() {
        return initialGrant;
    }

    /** Opens the company's pool with its initial grant; false when it was there already. */
    private boolean open(String companyId) {
        int created = em.createNativeQuery("""
                        insert into credit_account (company_id, balance, updated_at) values (?1, ?2, ?3)
                        on conflict (company_id) do nothing""")
                .setParameter(1, companyId)
                .setParameter(2, initialGrant)
                .setParameter(3, Instant.now(clock))
                .executeUpdate();
        if (created == 1) {
            em.persist(new LedgerEntry(companyId, LedgerEntry.Kind.GRANT, initialGrant, null,
                    "initial-grant:" + companyId, Instant.now(clock)));
        }
        return created == 1;
    }
}
