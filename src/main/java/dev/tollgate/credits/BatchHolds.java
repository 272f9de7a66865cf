package dev.tollgate.credits;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Credits for batch jobs (Option D): one hold for N items up front, a capture per item as it
 * finishes, and the rest released when the job completes or is cancelled. Each step is an entry
 * with its own key, so a repeated step books once, and no item is captured after the release.
 * Ledger arithmetic: RESERVE -N·R; per item RELEASE +R and CAPTURE -c; at the end RELEASE of
 * (N - items settled)·R. The balance is always the sum of the entries.
 */
@ApplicationScoped
public class BatchHolds {

    /** A batch's hold: who pays, for how many items, at most how much each. */
    public record Batch(UUID batchId, String companyId, String userId, String model, int items, long perItem) {
    }

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    CreditLedger ledger;

    @Inject
    CreditPools pools;

    @Inject
    Reservations reservations;

    @Inject
    Clock clock;

    /** Batch holds' request ids start with this. */
    private static final String REQUEST_PREFIX = "batch:";

    /** Holds items × perItem, or says why not. */
    public Hold reserve(Batch batch) {
        return ledger.reserve(charge(batch, REQUEST_PREFIX + batch.batchId(), (long) batch.items() * batch.perItem()),
                Reservation.Purpose.BATCH);
    }

    /** Books one item's actual cost (at most perItem). False once the batch was released. */
    @Transactional
    public boolean captureItem(Batch batch, int item, long actualCredits) {
        if (item < 0 || item >= batch.items()) {
            throw new IllegalArgumentException("item " + item + " is not in a batch of " + batch.items());
        }
        Reservation hold = reservations.lock(turn(batch));
        String base = batch.batchId() + ":" + item;
        if (hold == null || hold.status() != Reservation.Status.OPEN || ledger.exists("item-capture:" + base)) {
            return false;
        }
        long captured = Math.min(Math.max(actualCredits, 0), batch.perItem());
        pools.add(batch.companyId(), batch.perItem() - captured);
        book(batch, LedgerEntry.Kind.RELEASE, batch.perItem(), "item-release:" + base);
        book(batch, LedgerEntry.Kind.CAPTURE, -captured, "item-capture:" + base);
        return true;
    }

    /** Completion or cancellation: what no item used goes back. Safe to repeat. Returns it. */
    @Transactional
    public long releaseRemainder(Batch batch) {
        Reservation hold = reservations.lock(turn(batch));
        if (hold == null || hold.status() != Reservation.Status.OPEN) {
            return 0;
        }
        Object[] items = em.createQuery("""
                        select count(e), coalesce(sum(e.amount), 0) from LedgerEntry e where e.idempotencyKey like :p""",
                        Object[].class)
                .setParameter("p", "item-capture:" + batch.batchId() + ":%")
                .getSingleResult();
        long settled = ((Number) items[0]).longValue();
        long captured = -((Number) items[1]).longValue();
        long remainder = (batch.items() - settled) * batch.perItem();
        pools.add(batch.companyId(), remainder);
        book(batch, LedgerEntry.Kind.RELEASE, remainder, "release:" + turn(batch));
        hold.settle(settled > 0 ? Reservation.Status.CAPTURED : Reservation.Status.RELEASED, captured, clock.instant());
        return remainder;
    }

    private static UUID turn(Batch batch) {
        return UUID.nameUUIDFromBytes((REQUEST_PREFIX + batch.batchId()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Charge charge(Batch batch, String requestId, long credits) {
        return new Charge(turn(batch), batch.companyId(), batch.userId(), requestId, null, batch.model(), credits);
    }

    private void book(Batch batch, LedgerEntry.Kind kind, long amount, String key) {
        em.persist(new LedgerEntry(batch.companyId(), kind, amount, charge(batch, REQUEST_PREFIX + batch.batchId(), 0), key,
                Instant.now(clock)));
    }
}
