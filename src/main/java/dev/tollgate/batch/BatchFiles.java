package dev.tollgate.batch;

import dev.tollgate.auth.Caller;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import dev.tollgate.session.HistoryCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Uploaded batch input files: sealed whole, the uploader's own, deleted after the retention. */
@ApplicationScoped
public class BatchFiles {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    HistoryCipher cipher;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "tollgate.batch.retention-ms")
    long retentionMs;

    /** A file as OpenAI's file object describes it. */
    public record Stored(String id, String filename, long bytes, Instant createdAt, Instant purgeAfter) {
    }

    @Transactional
    public Stored store(Caller caller, String filename, String content) {
        String id = "file-" + UUID.randomUUID().toString().replace("-", "");
        HistoryCipher.Sealed sealed = cipher.seal(context(id), content);
        Instant now = clock.instant();
        Stored stored = new Stored(id, filename, content.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, now,
                now.plusMillis(retentionMs));
        em.createNativeQuery("""
                        insert into batch_file (id, company_id, user_id, purpose, filename, bytes, key_id, content,
                                                created_at, purge_after)
                        values (?1, ?2, ?3, 'batch', ?4, ?5, ?6, ?7, ?8, ?9)""")
                .setParameter(1, id).setParameter(2, caller.companyId()).setParameter(3, caller.userId())
                .setParameter(4, filename).setParameter(5, stored.bytes()).setParameter(6, sealed.keyId())
                .setParameter(7, sealed.bytes()).setParameter(8, now).setParameter(9, stored.purgeAfter())
                .executeUpdate();
        return stored;
    }

    /** The caller's file; 404 for anyone else's, or one deleted. */
    @Transactional
    public Stored find(Caller caller, String id) {
        Object[] row = row(caller, id, "filename, bytes, created_at, purge_after");
        return new Stored(id, (String) row[0], ((Number) row[1]).longValue(), Batches.instant(row[2]),
                Batches.instant(row[3]));
    }

    @Transactional
    public String content(Caller caller, String id) {
        Object[] row = row(caller, id, "key_id, content");
        return cipher.open(context(id), (String) row[0], (byte[]) row[1]);
    }

    @Transactional
    public void delete(Caller caller, String id) {
        row(caller, id, "id, bytes");
        em.createNativeQuery("delete from batch_file where id = ?1").setParameter(1, id).executeUpdate();
    }

    private Object[] row(Caller caller, String id, String columns) {
        Object row = em.createNativeQuery("select " + columns + " from batch_file "
                        + "where id = ?1 and company_id = ?2 and user_id = ?3")
                .setParameter(1, id).setParameter(2, caller.companyId()).setParameter(3, caller.userId())
                .getResultStream().findFirst().orElse(null);
        if (row == null) {
            throw new ProblemException(ProblemType.NOT_FOUND, "No file " + id + ".");
        }
        return (Object[]) row;
    }

    private static String context(String id) {
        return "batch-file:" + id;
    }
}
