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
import java.util.function.LongConsumer;

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
     * statement, {@code tollgate_reserve} (db/V13), atomic on its own: called outside a
     * transaction it commits at once, so the company's account row is locked only while the
     * database runs it; inside a caller's transaction it is part of that transaction.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Hold reserve(Charge charge, Reservation.Purpose purpose) {
        Instant now = clock.instant();
        ZonedDateTime today = now.atZone(ZoneOffset.UTC);
        Object answer = em.createNativeQuery(
                        "select tollgate_reserve(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)")
                .setParameter(1, charge.turnId()).setParameter(2, charge.companyId()).setParameter(3, charge.userId())
                .setParameter(4, charge.requestId()).setParameter(5, charge.sessionId()).setParameter(6, charge.model())
                .setParameter(7, charge.credits()).setParameter(8, purpose.name()).setParameter(9, now)
                .setParameter(10, reservations.expiryOf(purpose, now))
                .setParameter(11, today.toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant())
                .setParameter(12, today.toLocalDate().withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant())
                .setParameter(13, pools.initialGrant())
                .getSingleResult();
        return Hold.valueOf(answer.toString());
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
        long captured = captureAndSettle(hold, actualCredits);
        pools.addLast(hold.companyId(), hold.amount() - captured);
        return captured;
    }

    /** What a capture took, and the company's balance just after it. */
    public record Captured(long credits, long balance) {
    }

    /**
     * {@link #capture}, also answering the balance the client is shown (read by the pool's own
     * update), and making the caller's writes for the captured amount in the same transaction
     * (a turn's slot, mirror and audit row: one transaction per answer instead of two). They run
     * before the company's pool row is updated: that row is shared by all the company's answers,
     * so it is locked last and held shortest.
     */
    @Transactional
    public Captured captureShowingBalance(Charge charge, long actualCredits, LongConsumer alsoWithCaptured) {
        Reservation hold = reservations.lock(charge.turnId());
        if (hold == null || hold.status() != Reservation.Status.OPEN) {
            long captured = hold == null ? 0 : hold.captured();
            alsoWithCaptured.accept(captured);
            return new Captured(captured, balance(charge.companyId()));
        }
        long captured = captureAndSettle(hold, actualCredits);
        alsoWithCaptured.accept(captured);
        return new Captured(captured, pools.addLastShowingBalance(hold.companyId(), hold.amount() - captured));
    }

    private long captureAndSettle(Reservation hold, long actualCredits) {
        long captured = captureOpen(hold, actualCredits);
        hold.settle(Reservation.Status.CAPTURED, captured, clock.instant());
        audited("reservation.captured", hold, captured);
        return captured;
    }

    /** Gives the whole hold back: nothing of the answer exists. Safe to repeat, or without a hold. */
    @Transactional
    public void release(Charge charge) {
        Reservation hold = reservations.lock(charge.turnId());
        if (hold != null && hold.status() == Reservation.Status.OPEN) {
            releaseOpen(hold);
            hold.settle(Reservation.Status.RELEASED, 0, clock.instant());
            audited("reservation.released", hold, 0);
            pools.addLast(hold.companyId(), hold.amount());
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
        pools.addLast(hold.companyId(), hold.amount() - captured);
    }

    /** Every settlement is audited in its own transaction: the row exists exactly when the entries do. */
    private void audited(String action, Reservation hold, long captured) {
        audit.fire(AuditEntry.of(action, AuditEntry.Who.of(hold.companyId(), hold.userId()), hold.requestId(),
                hold.sessionId(), "ok").withUsage(hold.model(), null, null, captured));
    }

    /** Books the capture; the caller gives the rest of the hold back last ({@link CreditPools#addLast}). */
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

    private void book(Charge charge, LedgerEntry.Kind kind, long amount, String key) {
        em.persist(new LedgerEntry(charge.companyId(), kind, amount, charge, key, Instant.now(clock)));
    }

    boolean exists(String idempotencyKey) {
        return !em.createQuery("select e.id from LedgerEntry e where e.idempotencyKey = :k", Long.class)
                .setParameter("k", idempotencyKey)
                .getResultList().isEmpty();
    }
}
