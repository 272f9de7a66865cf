package dev.tollgate.batch;

import static dev.tollgate.platform.JsonFormat.JSON;

import dev.tollgate.audit.AuditEntry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where a batch stands and how it ends: finished items counted and told as events, cancel,
 * expiry and the end (the rest of the hold released, the webhook outbox row), and the purge of
 * inputs and outputs after their retention. Called inside {@link BatchStore}'s transactions too,
 * whose lock order (batch, then item, then hold) it keeps.
 */
@ApplicationScoped
public class BatchProgress {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Event<AuditEntry> audit;

    @Inject
    @ConfigProperty(name = "tollgate.batch.retention-ms")
    long retentionMs;

    /** An item's end as its batch's event tells it. */
    record Told(String customId, String status, long credits) {
    }

    /** One event of a batch, numbered in order. */
    record Logged(long seq, String type, String data) {
    }

    /** Counts the items, tells each, and ends the batch when they were the last ones. */
    void counted(UUID batchId, List<Told> told, Instant now) {
        int done = (int) told.stream().filter(t -> "done".equals(t.status())).count();
        int failed = told.size() - done;
        long captured = told.stream().mapToLong(Told::credits).sum();
        Object[] batch = (Object[]) em.createNativeQuery("""
                        update batch set completed = completed + ?1, failed = failed + ?2, captured = captured + ?3
                        where id = ?4 returning completed, failed, total, status""")
                .setParameter(1, done).setParameter(2, failed).setParameter(3, captured).setParameter(4, batchId)
                .getSingleResult();
        int completed = ((Number) batch[0]).intValue();
        int failedCount = ((Number) batch[1]).intValue();
        int total = ((Number) batch[2]).intValue();
        // each event shows the counts as they stood after its item
        int completedThen = completed - done;
        int failedThen = failedCount - failed;
        for (Told item : told) {
            if ("done".equals(item.status())) {
                completedThen++;
            } else {
                failedThen++;
            }
            event(batchId, "item", JSON.createObjectBuilder()
                    .add("custom_id", item.customId()).add("status", item.status()).add("credits", item.credits())
                    .add("completed", completedThen).add("failed", failedThen).add("total", total).build().toString(),
                    now);
        }
        if (completed + failedCount == total || ("cancelling".equals(batch[3]) && !running(batchId))) {
            end(batchId, "cancelling".equals(batch[3]) ? "cancelled"
                    : completed == 0 ? "failed" : "completed", now);
        }
    }

    /**
     * Cancels what has not started; what runs finishes (and is paid for), then the batch is
     * cancelled and the rest of its hold released. False when the batch had already ended.
     */
    @Transactional
    boolean cancel(UUID batchId) {
        Instant now = clock.instant();
        String status = lockBatch(batchId);
        if (status == null || Batch.ENDED.contains(status) || "cancelling".equals(status)) {
            return "cancelling".equals(status) || "cancelled".equals(status);
        }
        em.createNativeQuery("update batch_item set status = 'cancelled', finished_at = ?1 "
                        + "where batch_id = ?2 and status = 'queued'")
                .setParameter(1, now).setParameter(2, batchId).executeUpdate();
        em.createNativeQuery("update batch set status = 'cancelling', cancelled_at = ?1 where id = ?2")
                .setParameter(1, now).setParameter(2, batchId).executeUpdate();
        event(batchId, "batch.cancelling", "{\"status\":\"cancelling\"}", now);
        if (!running(batchId)) {
            end(batchId, "cancelled", now);
        }
        return true;
    }

    /**
     * Batches that must end now: past their completion window (what is left expires), cancelling
     * with nothing running any more (a dead server's items included once their lease ran out),
     * or with every item finished. Each batch is taken by one server ({@code SKIP LOCKED}).
     */
    @Transactional
    @SuppressWarnings("unchecked")
    int endDue() {
        Instant now = clock.instant();
        List<Object[]> due = em.createNativeQuery("""
                        select b.id, b.status, b.expires_at < ?1 from batch b
                        where b.ended_at is null
                          and (b.expires_at < ?1
                               or b.status = 'in_progress' and not exists (select 1 from batch_item i
                                    where i.batch_id = b.id and i.status in ('queued', 'running'))
                               or b.status = 'cancelling' and not exists (select 1 from batch_item i
                                    where i.batch_id = b.id and i.status = 'running' and i.leased_until >= ?1))
                        order by b.expires_at limit 20
                        for update of b skip locked""")
                .setParameter(1, now).getResultList();
        for (Object[] batch : due) {
            UUID id = (UUID) batch[0];
            boolean expired = Boolean.TRUE.equals(batch[2]);
            Object[] counts = (Object[]) em.createNativeQuery("select completed, failed from batch where id = ?1")
                    .setParameter(1, id).getSingleResult();
            end(id, expired ? "expired" : "cancelling".equals(batch[1]) ? "cancelled"
                    : ((Number) counts[0]).intValue() == 0 ? "failed" : "completed", now);
        }
        return due.size();
    }

    /**
     * The batch's end: what is left of its items cancelled or expired, the rest of its hold
     * released, its status and times set, the end told, a webhook delivery queued when it has a
     * URL, and audited.
     */
    private void end(UUID batchId, String status, Instant now) {
        // what has not finished ends with the batch: a try still out (its server stalled) writes nothing then
        em.createNativeQuery("update batch_item set status = ?1, finished_at = ?2, leased_by = null, "
                        + "leased_until = null where batch_id = ?3 and status in ('queued', 'running')")
                .setParameter(1, "expired".equals(status) ? "expired" : "cancelled").setParameter(2, now)
                .setParameter(3, batchId).executeUpdate();
        Object[] batch = (Object[]) em.createNativeQuery("select hold_id, company_id, user_id, request_id, webhook_url, "
                        + "captured from batch where id = ?1")
                .setParameter(1, batchId).getSingleResult();
        long released = ((Number) em.createNativeQuery("select tollgate_close_hold(?1, ?2)")
                .setParameter(1, batch[0]).setParameter(2, now).getSingleResult()).longValue();
        em.createNativeQuery("update batch set status = ?1, ended_at = ?2, released = ?3, purge_after = ?4 where id = ?5")
                .setParameter(1, status).setParameter(2, now).setParameter(3, released)
                .setParameter(4, now.plusMillis(retentionMs)).setParameter(5, batchId).executeUpdate();
        long seq = event(batchId, "batch." + status, "{\"status\":\"" + status + "\",\"released\":" + released + "}", now);
        if (batch[4] != null) {
            String eventId = "evt_" + batchId.toString().replace("-", "") + "_" + seq;
            em.createNativeQuery("""
                            insert into webhook_delivery (batch_id, event_id, url, body, status, next_at, created_at)
                            select id, ?1, webhook_url,
                                   jsonb_build_object('id', ?1, 'type', 'batch.' || status, 'created_at',
                                       ?4,
                                       'data', jsonb_build_object('id', id, 'status', status, 'model', model,
                                           'request_counts', jsonb_build_object('total', total, 'completed', completed,
                                                                                'failed', failed),
                                           'credits', jsonb_build_object('held', held, 'captured', captured,
                                                                         'released', released),
                                           'metadata', metadata)),
                                   'pending', ?2, ?2
                            from batch where id = ?3""")
                    .setParameter(1, eventId).setParameter(2, now).setParameter(3, batchId)
                    .setParameter(4, now.getEpochSecond()).executeUpdate();
        }
        audit.fire(AuditEntry.of("batch.end", AuditEntry.Who.of((String) batch[1], (String) batch[2]), (String) batch[3],
                null, status).withCredits(((Number) batch[5]).longValue()).withTarget("batch:" + batchId));
    }

    /** The next event of the batch, numbered after the last. Returns its number. */
    long event(UUID batchId, String type, String data, Instant now) {
        long seq = ((Number) em.createNativeQuery("update batch set event_seq = event_seq + 1 where id = ?1 "
                        + "returning event_seq")
                .setParameter(1, batchId).getSingleResult()).longValue();
        em.createNativeQuery("insert into batch_event (batch_id, seq, type, data, created_at) "
                        + "values (?1, ?2, ?3, cast(?4 as jsonb), ?5)")
                .setParameter(1, batchId).setParameter(2, seq).setParameter(3, type).setParameter(4, data)
                .setParameter(5, now).executeUpdate();
        return seq;
    }

    /** The batch's status, its row locked until the transaction ends; null when there is none. */
    String lockBatch(UUID batchId) {
        return (String) em.createNativeQuery("select status from batch where id = ?1 for update")
                .setParameter(1, batchId).getResultStream().findFirst().orElse(null);
    }

    private boolean running(UUID batchId) {
        return !em.createNativeQuery("select 1 from batch_item where batch_id = ?1 and status = 'running' "
                        + "and leased_until >= ?2 limit 1")
                .setParameter(1, batchId).setParameter(2, clock.instant()).getResultList().isEmpty();
    }

    /** True when the batch has ended (or does not exist). */
    @Transactional
    boolean ended(UUID batchId) {
        return em.createNativeQuery("select 1 from batch where id = ?1 and ended_at is null")
                .setParameter(1, batchId).getResultList().isEmpty();
    }

    /** The batch's events after {@code afterSeq}, in order. */
    @Transactional
    @SuppressWarnings("unchecked")
    List<Logged> events(UUID batchId, long afterSeq, int most) {
        List<Object[]> rows = em.createNativeQuery("select seq, type, cast(data as text) from batch_event "
                        + "where batch_id = ?1 and seq > ?2 order by seq limit ?3")
                .setParameter(1, batchId).setParameter(2, afterSeq).setParameter(3, most).getResultList();
        return rows.stream().map(r -> new Logged(((Number) r[0]).longValue(), (String) r[1], (String) r[2])).toList();
    }

    /**
     * Inputs and outputs past their retention deleted: the items of ended batches (the batch's
     * row, counts and credits stay) and uploaded files. Returns the batches purged.
     */
    @Transactional
    int purgeDue() {
        Instant now = clock.instant();
        int batches = em.createNativeQuery("""
                        with due as (update batch set purged_at = ?1
                                     where id in (select id from batch where purge_after < ?1 and purged_at is null
                                                  limit 100 for update skip locked) returning id),
                             items as (delete from batch_item where batch_id in (select id from due)),
                             events as (delete from batch_event where batch_id in (select id from due))
                        select count(*) from due""")
                .setParameter(1, now).getSingleResult() instanceof Number n ? n.intValue() : 0;
        em.createNativeQuery("delete from batch_file where purge_after < ?1").setParameter(1, now).executeUpdate();
        return batches;
    }
}
