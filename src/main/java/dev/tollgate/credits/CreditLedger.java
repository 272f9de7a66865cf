package dev.tollgate.credits;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.Writer;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reserve before the call, then capture the actual cost and release the hold, or release it all
 * when the call produced nothing. Every movement is a ledger entry with a unique idempotency key,
 * so repeating one books it once, and a balance is always the sum of its entries. The balance
 * only shrinks through a conditional UPDATE, so the database, not this JVM, decides who gets the
 * last credit.
 */
@ApplicationScoped
public class CreditLedger {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    SpendingLimits limits;

    /** Credits a company's pool starts with the first time it is seen (0 in production). */
    @Inject
    @ConfigProperty(name = "tollgate.credits.initial-grant", defaultValue = "0")
    long initialGrant;

    /**
     * Holds the charge's credits, or says why not (nothing is written then): the company's pool
     * cannot pay, or the user's daily or monthly limit would be passed. The user's limit row is
     * locked while the hold is decided, so one user's parallel requests cannot pass it together.
     */
    @Transactional
    public Hold reserve(Charge charge) {
        String key = "reserve:" + charge.turnId();
        if (exists(key)) {
            return Hold.HELD;
        }
        Hold withinLimits = limits.check(charge);
        if (withinLimits != Hold.HELD) {
            return withinLimits;
        }
        int updated = takeFromPool(charge);
        if (updated == 0) {
            // No row, or not enough in it. A company seen for the first time (here or on another
            // server at the same moment) gets its pool now; then the same conditional update decides.
            ensureAccount(charge.companyId());
            updated = takeFromPool(charge);
        }
        if (updated == 0) {
            return Hold.INSUFFICIENT_CREDITS;
        }
        book(charge, LedgerEntry.Kind.RESERVE, -charge.credits(), key);
        return Hold.HELD;
    }

    /**
     * Books the actual cost (at most the hold) and gives the hold back. Safe to repeat and safe
     * against a concurrent release: the account row is locked and a settled turn stays settled.
     * Returns the credits captured for this turn (0 if it was released instead).
     */
    @Transactional
    public long capture(Charge charge, long actualCredits) {
        lockAccount(charge.companyId());
        if (!exists("reserve:" + charge.turnId())) {
            return 0;
        }
        if (exists("release:" + charge.turnId())) {
            return capturedFor(charge);
        }
        long held = held(charge);
        long captured = Math.min(Math.max(actualCredits, 0), held);
        addToPool(charge.companyId(), held - captured);
        book(charge, LedgerEntry.Kind.RELEASE, held, "release:" + charge.turnId());
        book(charge, LedgerEntry.Kind.CAPTURE, -captured, "capture:" + charge.turnId());
        return captured;
    }

    /** Gives the whole hold back: nothing of the answer exists. Safe to repeat, or without a hold. */
    @Transactional
    public void release(Charge charge) {
        lockAccount(charge.companyId());
        if (!exists("reserve:" + charge.turnId()) || exists("release:" + charge.turnId())) {
            return;
        }
        long held = held(charge);
        addToPool(charge.companyId(), held);
        book(charge, LedgerEntry.Kind.RELEASE, held, "release:" + charge.turnId());
    }

    /**
     * Adds credits to a company's pool, once per idempotency key: a retried grant books nothing new.
     * Returns false when the key was used before.
     */
    @Transactional
    public boolean grant(String companyId, long credits, String idempotencyKey, String grantedBy) {
        String key = "grant:" + idempotencyKey;
        ensureAccount(companyId);
        lockAccount(companyId);
        if (exists(key)) {
            return false;
        }
        addToPool(companyId, credits);
        em.persist(new LedgerEntry(companyId, LedgerEntry.Kind.GRANT, credits,
                new Charge(null, companyId, grantedBy, null, null, null, credits), key, Instant.now(clock)));
        return true;
    }

    /** Credits a user's answers cost since the given instant (captures, net of nothing else). */
    @Transactional
    public long usedBy(String companyId, String userId, Instant since) {
        return -em.createQuery("""
                        select coalesce(sum(e.amount), 0) from LedgerEntry e
                        where e.companyId = :c and e.userId = :u and e.kind = :kind and e.createdAt >= :since""", Long.class)
                .setParameter("c", companyId)
                .setParameter("u", userId)
                .setParameter("kind", LedgerEntry.Kind.CAPTURE)
                .setParameter("since", since)
                .getSingleResult();
    }

    /**
     * A company's entries, newest first, after the cursor (an entry id); only one user's when
     * {@code userId} is given.
     */
    @Transactional
    public List<LedgerEntry> page(String companyId, String userId, Long beforeId, int limit) {
        var query = em.createQuery("select e from LedgerEntry e where e.companyId = :c"
                        + (userId == null ? "" : " and e.userId = :u")
                        + (beforeId == null ? "" : " and e.id < :before")
                        + " order by e.id desc", LedgerEntry.class)
                .setParameter("c", companyId)
                .setMaxResults(limit);
        if (userId != null) {
            query.setParameter("u", userId);
        }
        if (beforeId != null) {
            query.setParameter("before", beforeId);
        }
        return query.getResultList();
    }

    /** Writes a company's entries of a period as CSV, row by row, without holding them in memory. */
    @Transactional
    public void exportCsv(String companyId, Instant from, Instant to, Writer out) throws IOException {
        out.write(LedgerView.Entry.CSV_HEADER + "\n");
        try (var rows = em.createQuery("""
                        select e from LedgerEntry e where e.companyId = :c and e.createdAt >= :from and e.createdAt < :to
                        order by e.id""", LedgerEntry.class)
                .setParameter("c", companyId).setParameter("from", from).setParameter("to", to)
                .setHint("org.hibernate.fetchSize", 500)
                .setHint("org.hibernate.readOnly", true)
                .getResultStream()) {
            for (var it = rows.iterator(); it.hasNext(); ) {
                LedgerEntry entry = it.next();
                out.write(LedgerView.Entry.of(entry).csv() + "\n");
                em.detach(entry);
            }
        }
        out.flush();
    }

    @Transactional
    public long sumOfEntries(String companyId) {
        return em.createQuery("select coalesce(sum(e.amount), 0) from LedgerEntry e where e.companyId = :c", Long.class)
                .setParameter("c", companyId)
                .getSingleResult();
    }

    /**
     * Books usage reported after the fact (no hold was taken), once per key. It may take the pool
     * below zero: the usage happened. Returns false when the key was booked before.
     */
    @Transactional
    public boolean bookUsage(String companyId, String userId, String requestId, long credits, String key) {
        return bookAfterTheFact(LedgerEntry.Kind.CAPTURE, companyId, userId, requestId, credits, key);
    }

    /** Books what reconciliation found missing, as an ADJUSTMENT, once per key. */
    @Transactional
    public boolean bookAdjustment(String companyId, String userId, String requestId, long credits, String key) {
        return bookAfterTheFact(LedgerEntry.Kind.ADJUSTMENT, companyId, userId, requestId, credits, key);
    }

    /** Credits booked for a request: captures (webhook usage included) and adjustments. */
    @Transactional
    public long bookedFor(String requestId) {
        return -em.createQuery("""
                        select coalesce(sum(e.amount), 0) from LedgerEntry e
                        where e.requestId = :r and e.kind in (:kinds)""", Long.class)
                .setParameter("r", requestId)
                .setParameter("kinds", List.of(LedgerEntry.Kind.CAPTURE, LedgerEntry.Kind.ADJUSTMENT, LedgerEntry.Kind.DEBIT))
                .getSingleResult();
    }

    @Transactional
    public boolean holdOpenFor(String requestId) {
        Long reserves = em.createQuery("select count(e) from LedgerEntry e where e.requestId = :r and e.kind = :k", Long.class)
                .setParameter("r", requestId).setParameter("k", LedgerEntry.Kind.RESERVE).getSingleResult();
        Long releases = em.createQuery("select count(e) from LedgerEntry e where e.requestId = :r and e.kind = :k", Long.class)
                .setParameter("r", requestId).setParameter("k", LedgerEntry.Kind.RELEASE).getSingleResult();
        return reserves > releases;
    }

    private boolean bookAfterTheFact(LedgerEntry.Kind kind, String companyId, String userId, String requestId,
                                     long credits, String key) {
        ensureAccount(companyId);
        lockAccount(companyId);
        if (exists(key)) {
            return false;
        }
        addToPool(companyId, -credits);
        em.persist(new LedgerEntry(companyId, kind, -credits,
                new Charge(null, companyId, userId, requestId, null, null, credits), key, Instant.now(clock)));
        return true;
    }

    /**
     * Holds older than the cutoff that were never settled: their server died mid-answer. Each
     * comes back as the charge to settle (its turn id, model and held amount). Batch holds are
     * not answers and are left to their batch.
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<Charge> abandonedHolds(Instant cutoff, int limit) {
        List<Object[]> rows = em.createNativeQuery("""
                        select substring(e.idempotency_key from 9), e.company_id, e.user_id, e.request_id,
                               e.session_id, e.model, -e.amount
                        from ledger_entry e
                        where e.kind = 'RESERVE' and e.created_at < ?1
                          and (e.request_id is null or e.request_id not like 'batch:%')
                          and not exists (select 1 from ledger_entry r
                                          where r.idempotency_key = 'release:' || substring(e.idempotency_key from 9))
                        order by e.created_at limit ?2""")
                .setParameter(1, cutoff)
                .setParameter(2, limit)
                .getResultList();
        return rows.stream().map(r -> new Charge(java.util.UUID.fromString((String) r[0]), (String) r[1], (String) r[2],
                (String) r[3], (java.util.UUID) r[4], (String) r[5], ((Number) r[6]).longValue())).toList();
    }

    /** True when this turn's hold was given back without a capture: its answer never came. */
    @Transactional
    public boolean released(Charge charge) {
        return exists("release:" + charge.turnId()) && !exists("capture:" + charge.turnId());
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
        return sumOfEntries(companyId) == balance(companyId);
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

    void addToPool(String companyId, long credits) {
        em.createQuery("update CreditAccount a set a.balance = a.balance + :amount, a.updatedAt = :now where a.companyId = :company")
                .setParameter("amount", credits)
                .setParameter("now", Instant.now(clock))
                .setParameter("company", companyId)
                .executeUpdate();
    }

    void lockAccount(String companyId) {
        em.find(CreditAccount.class, companyId, LockModeType.PESSIMISTIC_WRITE);
    }

    /** What the turn's RESERVE entry holds: a retried request may estimate differently. */
    private long held(Charge charge) {
        return -em.createQuery("select coalesce(sum(e.amount), 0) from LedgerEntry e where e.idempotencyKey = :k", Long.class)
                .setParameter("k", "reserve:" + charge.turnId())
                .getSingleResult();
    }

    private long capturedFor(Charge charge) {
        return -em.createQuery("select coalesce(sum(e.amount), 0) from LedgerEntry e where e.idempotencyKey = :k", Long.class)
                .setParameter("k", "capture:" + charge.turnId())
                .getSingleResult();
    }

    private void book(Charge charge, LedgerEntry.Kind kind, long amount, String key) {
        em.persist(new LedgerEntry(charge.companyId(), kind, amount, charge, key, Instant.now(clock)));
    }

    boolean exists(String idempotencyKey) {
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
