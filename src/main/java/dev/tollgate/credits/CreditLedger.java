package dev.tollgate.credits;

import dev.tollgate.audit.AuditEntry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.OptionalLong;
import org.hibernate.query.NativeQuery;

/**
 * Reserve before the call, then capture the actual cost and release the hold, or release it all
 * when the call produced nothing. Every movement is a ledger entry with a unique idempotency key,
 * so repeating one books it once, and a balance is always the sum of its entries. The balance
 * only shrinks through a conditional UPDATE, so the database, not this JVM, decides who gets the
 * last credit. The pool's row is {@link CreditPools}'; reading the ledger, {@link LedgerQueries}.
 */
@ApplicationScoped
public class CreditLedger {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Reservations reservations;

    @Inject
    CreditPools pools;

    @Inject
    Event<AuditEntry> audit;

    /**
     * Holds the charge's credits, or says why not (nothing is written then): the company's pool
     * cannot pay, or the user's daily or monthly limit would be passed. The user's limit row is
     * locked while the hold is decided, so one user's parallel requests cannot pass it together.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Hold reserve(Charge charge) {
        return reserve(charge, Reservation.Purpose.TURN);
    }

    /**
     * A hold for a chat turn (swept after its expiry) or a batch (settled by its batch). One
     * statement, {@code tollgate_reserve} (db/R__holds.sql), atomic on its own: called outside a
     * transaction it commits at once, so the company's account row is locked only while the
     * database runs it; inside a caller's transaction it is part of that transaction.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Hold reserve(Charge charge, Reservation.Purpose purpose) {
        Object answer = ask(charge, purpose).bind(em.createNativeQuery(
                        "select cast(tollgate_reserve(" + HoldAsk.ARGUMENTS + ") as " + HoldAsk.ANSWER_TYPE + ")"))
                .getSingleResult();
        return Hold.valueOf(answer.toString());
    }

    /** A hold for this charge, asked now. */
    public HoldAsk ask(Charge charge, Reservation.Purpose purpose) {
        Instant now = clock.instant();
        ZonedDateTime today = now.atZone(ZoneOffset.UTC);
        return new HoldAsk(charge, purpose, now, reservations.expiryOf(purpose, now),
                today.toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant(),
                today.toLocalDate().withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
                pools.initialGrant());
    }

    /**
     * Books the actual cost (at most the hold) and gives the rest back. Safe to repeat and safe
     * against a concurrent release: the hold's row is locked and a settled hold stays settled.
     * Returns the credits captured for this turn (0 if it was released instead).
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public long capture(Charge charge, long actualCredits) {
        return settle(charge, Reservation.Status.CAPTURED, actualCredits);
    }

    /** Gives the whole hold back: nothing of the answer exists. Safe to repeat, or without a hold. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public void release(Charge charge) {
        settle(charge, Reservation.Status.RELEASED, null);
    }

    /**
     * Settles a hold whose server died mid-answer: at the cost the LLM service reports, or
     * released when it knows nothing of the request. Either way the hold ends EXPIRED. Safe when
     * two servers' sweepers (or a late settlement) reach it together.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public void expire(Charge charge, OptionalLong reportedCost) {
        settle(charge, Reservation.Status.EXPIRED, reportedCost.isPresent() ? reportedCost.getAsLong() : null);
    }

    /**
     * One statement, {@code tollgate_settle} (db/R__settlement.sql): the hold locked, its RELEASE entry (and
     * CAPTURE entry, unless {@code actualCredits} is null), its state and audit row, and the rest
     * given back to the pool last. Like {@link #reserve}, it commits at once outside a transaction
     * and joins a caller's.
     */
    private long settle(Charge charge, Reservation.Status outcome, Long actualCredits) {
        Object captured = em.createNativeQuery("select tollgate_settle(?1, ?2, ?3, ?4)")
                .unwrap(NativeQuery.class)
                .setParameter(1, charge.turnId()).setParameter(2, outcome.name())
                .setParameter(3, actualCredits, Long.class).setParameter(4, clock.instant())
                .getSingleResult();
        return ((Number) captured).longValue();
    }

    /**
     * Adds credits to a company's pool, once per idempotency key: a retried grant books nothing new.
     * Returns false when the key was used before.
     */
    @Transactional
    public boolean grant(String companyId, long credits, String idempotencyKey, String grantedBy) {
        String key = "grant:" + idempotencyKey;
        pools.ensure(companyId);
        pools.lock(companyId);
        if (exists(key)) {
            return false;
        }
        pools.add(companyId, credits);
        em.persist(new LedgerEntry(companyId, LedgerEntry.Kind.GRANT, credits,
                new Charge(null, companyId, grantedBy, null, null, null, credits), key, Instant.now(clock)));
        audit.fire(AuditEntry.of("credits.grant", AuditEntry.Who.of(companyId, grantedBy), null, null, "ok")
                .withCredits(credits));
        return true;
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

    private boolean bookAfterTheFact(LedgerEntry.Kind kind, String companyId, String userId, String requestId,
                                     long credits, String key) {
        pools.ensure(companyId);
        pools.lock(companyId);
        if (exists(key)) {
            return false;
        }
        pools.add(companyId, -credits);
        em.persist(new LedgerEntry(companyId, kind, -credits,
                new Charge(null, companyId, userId, requestId, null, null, credits), key, Instant.now(clock)));
        return true;
    }

    /** The company's pool now (0 for a company never seen). */
    @Transactional
    public long balance(String companyId) {
        return pools.balance(companyId);
    }

    boolean exists(String idempotencyKey) {
        return !em.createQuery("select e.id from LedgerEntry e where e.idempotencyKey = :k", Long.class)
                .setParameter("k", idempotencyKey)
                .getResultList().isEmpty();
    }
}
