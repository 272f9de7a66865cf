package dev.tollgate.batch;

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
import org.hibernate.Session;
import org.hibernate.query.NativeQuery;

/**
 * The batch queue's statements: batches queued, items claimed with {@code FOR UPDATE SKIP
 * LOCKED} under a lease, their tries answered, retried or failed, and their results read. An
 * item's answer, its part of the hold captured, its batch's counters, its event and (for the
 * batch's end, {@link BatchProgress}) the webhook outbox row commit in one transaction. Locks are always taken
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
    BatchProgress progress;

    /** A sealed item ready to insert. */
    record NewItem(int idx, String customId, long maxCredits, String keyId, byte[] input) {
    }

    /** One finished item as its results show it; {@code output} sealed, or null when it has none. */
    record Finished(int idx, String customId, String status, String requestId, String keyId, byte[] output,
                    String errorCode, String error, Long credits) {
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
        progress.event(id, "batch.in_progress", "{\"status\":\"in_progress\",\"total\":" + items.size() + "}", now);
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
            progress.lockBatch(batch.getKey());
            List<BatchProgress.Told> told = new ArrayList<>();
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
                told.add(new BatchProgress.Told(item.customId(), "done", captured));
                audit.fire(AuditEntry.of("batch.item", AuditEntry.Who.of(item.companyId(), item.userId()),
                                item.requestId(), null, "ok")
                        .withUsage(item.model(), answer.promptTokens(), answer.completionTokens(), captured)
                        .withTarget("batch:" + item.batchId() + " " + answer.route()));
            }
            if (!told.isEmpty()) {
                progress.counted(batch.getKey(), told, now);
            }
        }
    }

    /** The item failed for good: its reason kept for the error file, nothing billed. */
    @Transactional
    void failed(Claimed item, String code, String reason) {
        Instant now = clock.instant();
        progress.lockBatch(item.batchId());
        int updated = em.createNativeQuery("""
                        update batch_item set status = 'failed', error_code = ?1, error = ?2, finished_at = ?3,
                               leased_by = null, leased_until = null
                        where batch_id = ?4 and idx = ?5 and status = 'running' and attempts = ?6""")
                .unwrap(NativeQuery.class)
                .setParameter(1, code, String.class).setParameter(2, clip(reason), String.class).setParameter(3, now)
                .setParameter(4, item.batchId()).setParameter(5, item.idx()).setParameter(6, item.attempt())
                .executeUpdate();
        if (updated == 1) {
            progress.counted(item.batchId(), List.of(new BatchProgress.Told(item.customId(), "failed", 0)), now);
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

    private static String clip(String reason) {
        return reason == null || reason.length() <= 500 ? reason : reason.substring(0, 500);
    }
}
