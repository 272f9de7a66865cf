package dev.tollgate.credits;

import dev.tollgate.audit.AuditEntry;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.Writer;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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

    @Inject
    Reservations reservations;

    @Inject
    Event<AuditEntry> audit;

    @Resource
    TransactionSynchronizationRegistry transactions;

    /** Companies whose pool exists, committed (see ensureAccount). */
    private final Set<String> knownAccounts = ConcurrentHashMap.newKeySet();

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
        return reserve(charge, Reservation.Purpose.TURN);
    }

    /** A hold for a chat turn (swept after its expiry) or a batch (settled by its batch). */
    @Transactional
    public Hold reserve(Charge charge, Reservation.Purpose purpose) {
        Reservation earlier = reservations.find(charge.turnId());
        if (earlier != null) {
            // the same turn asked again (an Idempotency-Key): held once, and never again once given back
            return earlier.status() == Reservation.Status.RELEASED ? Hold.SPENT : Hold.HELD;
        }
        Hold withinLimits = limits.check(charge);
        if (withinLimits != Hold.HELD) {
            return withinLimits;
        }
        ensureAccount(charge.companyId());
        book(charge, LedgerEntry.Kind.RESERVE, -charge.credits(), "reserve:" + charge.turnId());
        reservations.open(charge, purpose);
        if (takeFromPoolLast(charge) == 0) {
            transactions.setRollbackOnly(); // the entries written above go with the refusal
            return Hold.INSUFFICIENT_CREDITS;
        }
        return Hold.HELD;
    }

    /**
     * Books the actual cost (at most the hold) and gives the hold back. Safe to repeat and safe
     * against a concurrent release: the hold's row is locked and a settled hold stays settled.
     * Returns the credits captured for this turn (0 if it was released instead).
     */
    @Transactional
    public long capture(Charge charge, long actualCredits) {
        Reservation hold = reservations.lock(charge.turnId());
        if (hold == null) {
            return 0;
        }
        if (hold.status() != Reservation.Status.OPEN) {
            return hold.captured();
        }
        return captureOpenHold(hold, actualCredits).credits();
    }

    /** What a capture took, and the company's balance just after it. */
    public record Captured(long credits, long balance) {
    }

    /**
     * {@link #capture}, also answering the balance the client is shown: read by the pool's own
     * update, so it costs neither a transaction of its own nor a statement while the row is locked.
     */
    @Transactional
    public Captured captureShowingBalance(Charge charge, long actualCredits) {
        Reservation hold = reservations.lock(charge.turnId());
        if (hold == null || hold.status() != Reservation.Status.OPEN) {
            return new Captured(hold == null ? 0 : hold.captured(), balance(charge.companyId()));
        }
        return captureOpenHold(hold, actualCredits);
    }

    private Captured captureOpenHold(Reservation hold, long actualCredits) {
        long captured = captureOpen(hold, actualCredits);
        hold.settle(Reservation.Status.CAPTURED, captured, clock.instant());
        audited("reservation.captured", hold, captured);
        em.flush(); // the account row last: see takeFromPoolLast
        return new Captured(captured, returnToPool(hold.companyId(), hold.amount() - captured));
    }

    /** Gives credits back to the pool and answers its balance after, from the update itself. */
    private long returnToPool(String companyId, long credits) {
        return ((Number) em.createNativeQuery("""
                        update credit_account set balance = balance + ?1, updated_at = ?2 where company_id = ?3
                        returning balance""")
                .setParameter(1, credits).setParameter(2, Instant.now(clock)).setParameter(3, companyId)
                .getSingleResult()).longValue();
    }

    /** Gives the whole hold back: nothing of the answer exists. Safe to repeat, or without a hold. */
    @Transactional
    public void release(Charge charge) {
        Reservation hold = reservations.lock(charge.turnId());
        if (hold != null && hold.status() == Reservation.Status.OPEN) {
            releaseOpen(hold);
            hold.settle(Reservation.Status.RELEASED, 0, clock.instant());
            audited("reservation.released", hold, 0);
            addToPoolLast(hold.companyId(), hold.amount());
        }
    }

    /**
     * Settles a hold whose server died mid-answer: at the cost the LLM service reports, or
     * released when it knows nothing of the request. Either way the hold ends EXPIRED. Safe when
     * two servers' sweepers (or a late settlement) reach it together.
     */
    @Transactional
    public void expire(Charge charge, OptionalLong reportedCost) {
        Reservation hold = reservations.lock(charge.turnId());
        if (hold == null || hold.status() != Reservation.Status.OPEN) {
            return;
        }
        long captured = 0;
        if (reportedCost.isPresent()) {
            captured = captureOpen(hold, reportedCost.getAsLong());
        } else {
            releaseOpen(hold);
        }
        hold.settle(Reservation.Status.EXPIRED, captured, clock.instant());
        audited("reservation.expired", hold, captured);
        addToPoolLast(hold.companyId(), hold.amount() - captured);
    }

    /** Every settlement is audited in its own transaction: the row exists exactly when the entries do. */
    private void audited(String action, Reservation hold, long captured) {
        audit.fire(AuditEntry.of(action, AuditEntry.Who.of(hold.companyId(), hold.userId()), hold.requestId(),
                hold.sessionId(), "ok").withUsage(hold.model(), null, null, captured));
    }

    /** Books the capture; the caller gives the rest of the hold back last ({@link #addToPoolLast}). */
    private long captureOpen(Reservation hold, long actualCredits) {
        long captured = Math.min(Math.max(actualCredits, 0), hold.amount());
        book(hold.charge(), LedgerEntry.Kind.RELEASE, hold.amount(), "release:" + hold.turnId());
        book(hold.charge(), LedgerEntry.Kind.CAPTURE, -captured, "capture:" + hold.turnId());
        return captured;
    }

    private void releaseOpen(Reservation hold) {
        book(hold.charge(), LedgerEntry.Kind.RELEASE, hold.amount(), "release:" + hold.turnId());
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
        audit.fire(AuditEntry.of("credits.grant", AuditEntry.Who.of(companyId, grantedBy), null, null, "ok")
                .withCredits(credits));
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

    /**
     * Usage the LLM service reports for a request. A request Tollgate held credits for (a direct
     * token, or a chat it relayed) settles that hold, once: a hold already settled books nothing
     * more. A request without a hold is booked after the fact, once per key. True when booked now.
     */
    @Transactional
    public boolean bookReportedUsage(String companyId, String userId, String requestId, long credits, String key) {
        Reservation hold = requestId == null ? null : reservations.forRequest(requestId);
        boolean booked;
        if (hold == null) {
            booked = bookUsage(companyId, userId, requestId, credits, key);
        } else {
            booked = hold.status() == Reservation.Status.OPEN;
            if (booked) {
                capture(hold.charge(), credits);
            }
        }
        audit.fire(AuditEntry.of("usage.reported", AuditEntry.Who.of(companyId, userId), requestId, null,
                booked ? "ok" : "duplicate").withCredits(booked ? credits : 0));
        return booked;
    }

    /** Books what reconciliation found missing, as an ADJUSTMENT, once per key. */
    @Transactional
    public boolean bookAdjustment(String companyId, String userId, String requestId, long credits, String key) {
        boolean booked = bookAfterTheFact(LedgerEntry.Kind.ADJUSTMENT, companyId, userId, requestId, credits, key);
        if (booked) {
            audit.fire(AuditEntry.of("reconciliation.adjustment", AuditEntry.Who.job(companyId), requestId, null, "ok")
                    .withCredits(credits));
        }
        return booked;
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

    /** True while a hold for this request waits for its settlement (which will book its usage). */
    @Transactional
    public boolean holdOpenFor(String requestId) {
        return !em.createQuery("select r.turnId from Reservation r where r.requestId = :r and r.status = :open", UUID.class)
                .setParameter("r", requestId).setParameter("open", Reservation.Status.OPEN)
                .setMaxResults(1).getResultList().isEmpty();
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

    /**
     * Every company's turn updates its one account row, which stays locked until the transaction
     * commits; so the update comes last, after everything else of the transaction is written,
     * and the lock is held only while the commit runs (at 50 parallel answers of one company the
     * account-row wait was 43 ms per update when it came first).
     */
    private int takeFromPoolLast(Charge charge) {
        em.flush();
        return takeFromPool(charge);
    }

    private void addToPoolLast(String companyId, long credits) {
        em.flush();
        addToPool(companyId, credits);
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

    private void book(Charge charge, LedgerEntry.Kind kind, long amount, String key) {
        em.persist(new LedgerEntry(charge.companyId(), kind, amount, charge, key, Instant.now(clock)));
    }

    boolean exists(String idempotencyKey) {
        return !em.createQuery("select e.id from LedgerEntry e where e.idempotencyKey = :k", Long.class)
                .setParameter("k", idempotencyKey)
                .getResultList().isEmpty();
    }

    /** Creates the pool once, even when two servers see a new company at the same moment. */
    /**
     * A company seen for the first time (here or on another server at the same moment) gets its pool
     * now; an existing one is left alone (and not locked). Pools are never removed, so one seen to
     * exist before this transaction is not asked about again.
     */
    private void ensureAccount(String companyId) {
        if (!knownAccounts.contains(companyId) && !openAccount(companyId)) {
            knownAccounts.add(companyId);
        }
    }

    /** Opens the company's pool with its initial grant; false when it was there already. */
    private boolean openAccount(String companyId) {
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
