package dev.tollgate.credits;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Where each hold stands. Called inside the ledger's transactions, never on its own to move money. */
@ApplicationScoped
public class Reservations {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    /** Longer than any answer streams: a turn's hold still open after this belonged to a dead server. */
    @Inject
    @ConfigProperty(name = "tollgate.credits.hold-ttl-ms")
    long turnTtlMs;

    /** A batch settles its own hold; this bounds how long a forgotten one may hold credits. */
    @Inject
    @ConfigProperty(name = "tollgate.credits.batch-hold-ttl-ms")
    long batchTtlMs;

    /** When a hold opened now would be swept as abandoned. */
    Instant expiryOf(Reservation.Purpose purpose, Instant now) {
        return now.plus(Duration.ofMillis(purpose == Reservation.Purpose.TURN ? turnTtlMs : batchTtlMs));
    }

    /** The hold, locked until the transaction ends, so two settlements of it happen one after the other. */
    Reservation lock(UUID turnId) {
        return em.find(Reservation.class, turnId, LockModeType.PESSIMISTIC_WRITE);
    }

    @Transactional
    public Reservation find(UUID turnId) {
        return em.find(Reservation.class, turnId);
    }

    /** The newest hold taken for a request, if any. */
    @Transactional
    public Reservation forRequest(String requestId) {
        return em.createQuery("select r from Reservation r where r.requestId = :r order by r.createdAt desc", Reservation.class)
                .setParameter("r", requestId).setMaxResults(1)
                .getResultStream().findFirst().orElse(null);
    }

    /** Turn holds past their expiry and still open, oldest first. */
    @Transactional
    public List<Charge> expired(int limit) {
        return em.createQuery("""
                        select r from Reservation r where r.status = :open and r.purpose = :turn and r.expiresAt < :now
                        order by r.expiresAt""", Reservation.class)
                .setParameter("open", Reservation.Status.OPEN)
                .setParameter("turn", Reservation.Purpose.TURN)
                .setParameter("now", clock.instant())
                .setMaxResults(limit)
                .getResultStream().map(Reservation::charge).toList();
    }

    /** A company's holds, newest first, optionally only those in one state. */
    @Transactional
    public List<Reservation> page(String companyId, Reservation.Status status, int limit) {
        var query = em.createQuery("select r from Reservation r where r.companyId = :c"
                        + (status == null ? "" : " and r.status = :s") + " order by r.createdAt desc", Reservation.class)
                .setParameter("c", companyId)
                .setMaxResults(limit);
        if (status != null) {
            query.setParameter("s", status);
        }
        return query.getResultList();
    }
}
