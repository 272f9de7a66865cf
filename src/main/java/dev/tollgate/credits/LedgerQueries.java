package dev.tollgate.credits;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What the ledger says, read: pages, exports, sums (the writing is {@link CreditLedger}'s). */
@ApplicationScoped
public class LedgerQueries {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    /**
     * Credits a user's answers cost since the given instant (captures, net of nothing else): the
     * days already added up plus the ledger's entries after them ({@code tollgate_spent_since}, db/R__holds.sql).
     */
    @Transactional
    public long usedBy(String companyId, String userId, Instant since) {
        return ((Number) em.createNativeQuery("select captured from tollgate_spent_since(?1, ?2, ?3)")
                .setParameter(1, companyId)
                .setParameter(2, userId)
                .setParameter(3, since)
                .getSingleResult()).longValue();
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

    @Transactional
    public List<LedgerEntry> entriesForRequest(String requestId) {
        return em.createQuery("select e from LedgerEntry e where e.requestId = :id order by e.id", LedgerEntry.class)
                .setParameter("id", requestId)
                .getResultList();
    }
}
