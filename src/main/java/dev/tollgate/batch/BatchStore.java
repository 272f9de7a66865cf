package dev.tollgate.batch;

import static dev.tollgate.platform.JsonFormat.JSON;

import dev.tollgate.audit.AuditEntry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.Session;
import org.hibernate.query.NativeQuery;

/**
 * The batch queue's statements. Items are claimed with {@code FOR UPDATE SKIP LOCKED} under a
 * lease; an item's answer, its part of the hold captured, its batch's counters, its event and
 * (for the batch's end) the webhook outbox row commit in one transaction. Locks are always taken
 * batch first, then item, then hold, so no two of these transactions wait for each other in a
 * circle.
 */
@ApplicationScoped
public class BatchStore {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Event<AuditEntry> audit;

    @Inject
    @ConfigProperty(name = "tollgate.batch.retention-ms")
    long retentionMs;

    /** A sealed item ready to insert. */
    record NewItem(int idx, String customId, long maxCredits, String keyId, byte[] input) {
    }

    /** One finished item as its results show it; {@code output} sealed, or null when it has none. */
    record Finished(int idx, String customId, String status, String requestId, String keyId, byte[] output,
                    String errorCode, String error, Long credits) {
    }

    /** One event of a batch, numbered in order. */
    record Logged(long seq, String type, String data) {
    }

    /** The batch's row and its items, in the caller's transaction (the hold was taken in it). */
    void insert(UUID id, BatchAsk ask, String companyId, String userId, String requestId, UUID holdId, long held,
                Instant expiresAt, List<NewItem> items) {
        Instant now = clock.instant();
        em.createNativeQuery("""
                        insert into batch (id, company_id, user_id, model, front, status, request_id, hold_id, held, total,
                                           metadata, webhook_url, input_file_id, completion_window, created_at, expires_at)
                        values (?1, ?2, ?3, ?4, ?5, 'in_progress', ?6, ?7, ?8, ?9, cast(?10 as jsonb), ?11, ?12, ?13, ?14, ?15)""")
                .unwrap(NativeQuery.class)
                .setParameter(1, id).setParameter(2, companyId).setParameter(3, userId).setParameter(4, ask.model())
                .setParameter(5, ask.front().column()).setParameter(6, requestId, String.class).setParameter(7, holdId)
                .setParameter(8, held).setParameter(9, items.size())
                .setParameter(10, ask.metadata() == null ? null : ask.metadata().toString(), String.class)
                .setParameter(11, ask.webhookUrl(), String.class).setParameter(12, ask.inputFileId(), String.class)
                .setParameter(13, ask.completionWindow() == null ? "24h" : ask.completionWindow()).setParameter(14, now).setParameter(15, expiresAt)
                .executeUpdate();
        OffsetDateTime queued = now.atOffset(ZoneOffset.UTC);
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into batch_item (batch_id, idx, custom_id, status, max_credits, not_before, key_id, input)
                    values (?, ?, ?, 'queued', ?, ?, ?, ?)""")) {
                for (NewItem item : items) {
                    insert.setObject(1, id);
                    insert.setInt(2, item.idx());
                    insert.setString(3, item.customId());
                    insert.setLong(4, item.maxCredits());
                    insert.setObject(5, queued);
                    insert.setString(6, item.keyId());
                    insert.setBytes(7, item.input());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
        event(id, "batch.in_progress", "{\"status\":\"in_progress\",\"total\":" + items.size() + "}", now);
    }

    /**
     * Up to {@code most} items for {@code worker}: those due, and those whose lease ran out
     * (their server died or stalled), oldest first, only of batches still in progress. One
     * statement: it commits as it returns.
     */
    @Transactional
    @SuppressWarnings("unchecked")
    List<Claimed> claim(String worker, int most, long leaseMs) {
        Instant now = clock.instant();
        List<Object[]> rows = em.createNativeQuery("""
                        update batch_item i set status = 'running', attempts = i.attempts + 1, leased_by = ?1,
                               leased_until = ?2,
                               request_id = 'batch-' || i.batch_id || '-' || i.idx || '-' || (i.attempts + 1)
                        from (select it.batch_id, it.idx from batch_item it join batch b on b.id = it.batch_id
                              where b.status = 'in_progress'
                                and ((it.status = 'queued' and it.not_before <= ?3)
                                     or (it.status = 'running' and it.leased_until < ?3))
                              order by it.not_before, it.idx limit ?4
                              for update of it skip locked) c, batch b
                        where i.batch_id = c.batch_id and i.idx = c.idx and b.id = i.batch_id
                        returning i.batch_id, i.idx, i.custom_id, i.attempts, i.request_id, i.max_credits, b.model,
                                  b.company_id, b.user_id, b.hold_id, i.key_id, i.input""")
                .setParameter(1, worker).setParameter(2, now.plusMillis(leaseMs)).setParameter(3, now)
                .setParameter(4, most)
                .getResultList();
        List<Claimed> claimed = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            claimed.add(new Claimed((UUID) row[0], ((Number) row[1]).intValue(), (String) row[2],
                    ((Number) row[3]).intValue(), (String) row[4], ((Number) row[5]).longValue(), (String) row[6],
                    (String) row[7], (String) row[8], (UUID) row[9], (String) row[10], (byte[]) row[11]));
        }
        return claimed;
    }

    /** The leases of these tries, still running here, extended: this server is alive. */
    @Transactional
    void renew(String worker, List<Claimed> tries, long leaseMs) {
        OffsetDateTime until = clock.instant().plusMillis(leaseMs).atOffset(ZoneOffset.UTC);
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement renew = connection.prepareStatement("""
                    update batch_item i set leased_until = ?
                    from unnest(?::uuid[], ?::int[], ?::int[]) as t(batch_id, idx, attempt)
                    where i.batch_id = t.batch_id and i.idx = t.idx and i.attempts = t.attempt
                      and i.status = 'running' and i.leased_by = ?""")) {
                renew.setObject(1, until);
                renew.setArray(2, connection.createArrayOf("uuid", tries.stream().map(Claimed::batchId).toArray()));
                renew.setArray(3, connection.createArrayOf("int4", tries.stream().map(Claimed::idx).toArray()));
                renew.setArray(4, connection.createArrayOf("int4", tries.stream().map(Claimed::attempt).toArray()));
                renew.setString(5, worker);
                renew.executeUpdate();
            }
        });
    }

    /** An item's try answered, to be written. */
    record Done(Claimed item, Answered answer) {
    }

    /** An item's end as its batch's event tells it. */
    private record Told(String customId, String status, long credits) {
    }

    /**
     * Answers written in one transaction, each batch locked once (in order of its id, so two
     * servers writing answers of the same batches never wait for each other in a circle): every
     * try that still holds its item has its output stored, its cost captured from the hold, and
     * is counted and told. A try whose lease was taken over writes nothing and is billed nothing.
     */
    @Transactional
    void answered(List<Done> answers) {
        Instant now = clock.instant();
        Map<UUID, List<Done>> byBatch = new TreeMap<>();
        for (Done done : answers) {
            byBatch.computeIfAbsent(done.item().batchId(), b -> new ArrayList<>()).add(done);
        }
        for (Map.Entry<UUID, List<Done>> batch : byBatch.entrySet()) {
            lockBatch(batch.getKey());
            List<Told> told = new ArrayList<>();
            for (Done done : batch.getValue()) {
                Claimed item = done.item();
                Answered answer = done.answer();
                int updated = em.createNativeQuery("""
                                update batch_item set status = 'done', key_id = ?1, output = ?2, credits = ?3,
                                       prompt_tokens = ?4, completion_tokens = ?5, finished_at = ?6,
                                       answered_by = leased_by, leased_by = null, leased_until = null,
                                       error_code = null, error = null
                                where batch_id = ?7 and idx = ?8 and status = 'running' and attempts = ?9""")
                        .setParameter(1, answer.keyId()).setParameter(2, answer.output())
                        .setParameter(3, answer.credits()).setParameter(4, answer.promptTokens())
                        .setParameter(5, answer.completionTokens()).setParameter(6, now)
                        .setParameter(7, item.batchId()).setParameter(8, item.idx()).setParameter(9, item.attempt())
                        .executeUpdate();
                if (updated == 0) {
                    continue;
                }
                long captured = ((Number) em.createNativeQuery("select tollgate_capture_part(?1, ?2, ?3, ?4, ?5)")
                        .setParameter(1, item.holdId()).setParameter(2, Integer.toString(item.idx()))
                        .setParameter(3, item.requestId()).setParameter(4, answer.credits()).setParameter(5, now)
                        .getSingleResult()).longValue();
                told.add(new Told(item.customId(), "done", captured));
                audit.fire(AuditEntry.of("batch.item", AuditEntry.Who.of(item.companyId(), item.userId()),
                                item.requestId(), null, "ok")
                        .withUsage(item.model(), answer.promptTokens(), answer.completionTokens(), captured)
                        .withTarget("batch:" + item.batchId() + " " + answer.route()));
            }
            if (!told.isEmpty()) {
                counted(batch.getKey(), told, now);
            }
        }
    }

    /** The item failed for good: its reason kept for the error file, nothing billed. */
    @Transactional
    void failed(Claimed item, String code, String reason) {
        Instant now = clock.instant();
        lockBatch(item.batchId());
        int updated = em.createNativeQuery("""
                        update batch_item set status = 'failed', error_code = ?1, error = ?2, finished_at = ?3,
                               leased_by = null, leased_until = null
                        where batch_id = ?4 and idx = ?5 and status = 'running' and attempts = ?6""")
                .unwrap(NativeQuery.class)
                .setParameter(1, code, String.class).setParameter(2, clip(reason), String.class).setParameter(3, now)
                .setParameter(4, item.batchId()).setParameter(5, item.idx()).setParameter(6, item.attempt())
                .executeUpdate();
        if (updated == 1) {
            counted(item.batchId(), List.of(new Told(item.customId(), "failed", 0)), now);
            audit.fire(AuditEntry.of("batch.item", AuditEntry.Who.of(item.companyId(), item.userId()),
                    item.requestId(), null, code).withUsage(item.model(), null, null, 0L)
                    .withTarget("batch:" + item.batchId()));
        }
    }

    /**
     * The item back in the queue after {@code delay}; {@code counted} false gives the try back
     * (it never reached a server: none had room).
     */
    @Transactional
    void retry(Claimed item, String code, String reason, Duration delay, boolean counted) {
        em.createNativeQuery("""
                        update batch_item set status = 'queued', not_before = ?1, leased_by = null, leased_until = null,
                               attempts = attempts - ?2, error_code = coalesce(?3, error_code), error = coalesce(?4, error)
                        where batch_id = ?5 and idx = ?6 and status = 'running' and attempts = ?7""")
                .unwrap(NativeQuery.class)
                .setParameter(1, clock.instant().plus(delay)).setParameter(2, counted ? 0 : 1)
                .setParameter(3, code, String.class).setParameter(4, clip(reason), String.class)
                .setParameter(5, item.batchId()).setParameter(6, item.idx()).setParameter(7, item.attempt())
                .executeUpdate();
    }

    /** Counts the items, tells each, and ends the batch when they were the last ones. */
    private void counted(UUID batchId, List<Told> told, Instant now) {
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
    private long event(UUID batchId, String type, String data, Instant now) {
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
    private String lockBatch(UUID batchId) {
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

    /** A page of the batch's items in order, after {@code afterIdx}, as its results show them. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<Finished> items(UUID batchId, int afterIdx, int most) {
        List<Object[]> rows = em.createNativeQuery("""
                        select idx, custom_id, status, request_id, key_id, output, error_code, error, credits
                        from batch_item where batch_id = ?1 and idx > ?2 order by idx limit ?3""")
                .setParameter(1, batchId).setParameter(2, afterIdx).setParameter(3, most).getResultList();
        return rows.stream().map(r -> new Finished(((Number) r[0]).intValue(), (String) r[1], (String) r[2],
                (String) r[3], (String) r[4], (byte[]) r[5], (String) r[6], (String) r[7],
                r[8] == null ? null : ((Number) r[8]).longValue())).toList();
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

    private static String clip(String reason) {
        return reason == null || reason.length() <= 500 ? reason : reason.substring(0, 500);
    }
}
