package dev.tollgate.credits;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Check and deduct before the call, refund if the call never started. Every movement is a ledger
 * entry with a unique idempotency key, so repeating one books it once. The balance changes only
 * through a conditional UPDATE, so the database, not this JVM, decides who gets the last credit.
 */
@ApplicationScoped
public class CreditLedger {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    /** Credits a company's pool starts with the first time it is seen (0 in production). */
    @Inject
    @ConfigProperty(name = "tollgate.credits.initial-grant", defaultValue = "0")
    long initialGrant;

    /**
     * Takes the charge from the company's pool, or returns false when the pool cannot pay (nothing
     * is written then). A refusal is an answer, not an exception, so it rolls nothing back.
     */
    @Transactional
    public boolean debit(Charge charge) {
        String key = "debit:" + charge.turnId();
        if (exists(key)) {
            return true;
        }
        int updated = takeFromPool(charge);
        if (updated == 0) {
            // No row, or not enough in it. A company seen for the first time (here or on another
            // server at the same moment) gets its pool now; then the same conditional update decides.
            ensureAccount(charge.companyId());
            updated = takeFromPool(charge);
        }
        if (updated == 0) {
            return false;
        }
        em.persist(new LedgerEntry(charge.companyId(), LedgerEntry.Kind.DEBIT, -charge.credits(), charge, key, Instant.now(clock)));
        return true;
    }


    /** The conditional update that makes overspending impossible: 1 row, or 0 when it cannot pay. */
    private int takeFromPool(Charge charge) {
        return em.createQuery("""
                        update CreditAccount a set a.balance = a.balance - :amount, a.updatedAt = :now
                        where a.companyId = :company and a.balance >= :amount""")
                .setParameter("amount", charge.credits())
                .setParameter("now", Instant.now(clock))
                .setParameter("company", charge.companyId())
                .executeUpdate();
    }

    /** Gives back a debit whose call never reached the model. Safe to call twice or without a debit. */
    @Transactional
    public void refund(Charge charge) {
        String key = "refund:" + charge.turnId();
        if (!exists("debit:" + charge.turnId()) || exists(key)) {
            return;
        }
        em.createQuery("update CreditAccount a set a.balance = a.balance + :amount, a.updatedAt = :now where a.companyId = :company")
                .setParameter("amount", charge.credits())
                .setParameter("now", Instant.now(clock))
                .setParameter("company", charge.companyId())
                .executeUpdate();
        em.persist(new LedgerEntry(charge.companyId(), LedgerEntry.Kind.REFUND, charge.credits(), charge, key, Instant.now(clock)));
    }

    @Transactional
    public long balance(String companyId) {
        CreditAccount account = em.find(CreditAccount.class, companyId);
        return account == null ? 0 : account.balance();
    }

    @Transactional
    public List<LedgerEntry> entriesForRequest(String requestId) {
        return em.createQuery("select e from LedgerEntry e where e.requestId = :id order by e.id", LedgerEntry.class)
                .setParameter("id", requestId)
                .getResultList();
    }

    /** True when the balance equals the sum of the account's entries: the ledger explains every credit. */
    @Transactional
    public boolean balanceMatchesEntries(String companyId) {
        Long sum = em.createQuery("select coalesce(sum(e.amount), 0) from LedgerEntry e where e.companyId = :c", Long.class)
                .setParameter("c", companyId)
                .getSingleResult();
        return sum == balance(companyId);
    }

    private boolean exists(String idempotencyKey) {
        return !em.createQuery("select e.id from LedgerEntry e where e.idempotencyKey = :k", Long.class)
                .setParameter("k", idempotencyKey)
                .getResultList().isEmpty();
    }

    /** Creates the pool once, even when two servers see a new company at the same moment. */
    private void ensureAccount(String companyId) {
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
    }
}
