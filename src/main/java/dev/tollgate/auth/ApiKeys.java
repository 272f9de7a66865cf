package dev.tollgate.auth;

import dev.tollgate.audit.AuditEntry;
import dev.tollgate.platform.CurrentRequest;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Creates, lists and revokes API keys, and tells a request's key from a forged, revoked or expired
 * one. A key found is remembered for {@code tollgate.api-keys.recheck-ms}, after which it is read
 * again: that bounds how long another server keeps honouring a key revoked elsewhere.
 */
@ApplicationScoped
public class ApiKeys {

    /** Compared against when no key has the prefix, so an unknown key costs what a wrong one does. */
    private static final byte[] NO_HASH = new byte[32];

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    KeySecrets secrets;

    @Inject
    KeyFailures failures;

    @Inject
    Clock clock;

    @Inject
    CurrentRequest request;

    @Inject
    Event<AuditEntry> audit;

    @Inject
    @ConfigProperty(name = "tollgate.api-keys.recheck-ms")
    long recheckMs;

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    /** A key as last read, and when. */
    private record Seen(ApiKey key, Instant readAt) {
    }

    /** What a presented key turned out to be. */
    public sealed interface Verdict {
    }

    /** A key that opens: the caller it stands for. */
    public record Valid(Caller caller) implements Verdict {
    }

    /** Not a key that opens anything; {@code key} is the key it named, when one has its prefix. */
    public record Invalid(ApiKey key, String reason) implements Verdict {
    }

    /** Too many refused keys from this address this minute: {@code limit} of them. */
    public record Blocked(Duration retryAfter, int limit) implements Verdict {
    }

    /** A new key of the creator's company; the secret leaves here once and is never kept. */
    @Transactional
    public Issued create(Caller creator, String serviceUser, Set<String> roles, Set<String> models, Instant expiresAt) {
        KeySecrets.Fresh fresh = secrets.fresh();
        ApiKey key = new ApiKey(fresh.prefix(), secrets.hash(fresh.secret()), creator.companyId(), serviceUser, roles,
                models, creator.userId(), clock.instant(), expiresAt);
        em.persist(key);
        audited("api_key.create", AuditEntry.Who.of(creator.companyId(), creator.userId()), key, "ok");
        return new Issued(key, fresh.secret());
    }

    public record Issued(ApiKey key, String secret) {
    }

    @Transactional
    public List<ApiKey> of(String companyId) {
        return em.createQuery("select k from ApiKey k where k.companyId = :company order by k.createdAt desc, k.id",
                ApiKey.class).setParameter("company", companyId).getResultList();
    }

    /** Revokes a key of the caller's company; another company's key is not found, as everywhere. */
    @Transactional
    public ApiKey revoke(Caller admin, UUID id) {
        ApiKey key = em.find(ApiKey.class, id);
        if (key == null || !key.companyId().equals(admin.companyId())) {
            throw new ProblemException(ProblemType.NOT_FOUND, "No API key " + id + " in your company.");
        }
        key.revoke(clock.instant());
        seen.remove(key.prefix());
        audited("api_key.revoke", AuditEntry.Who.of(admin.companyId(), admin.userId()), key, "ok");
        return key;
    }

    /**
     * Decides a presented key-shaped secret; refusals are audited with the key they named. Only a
     * key remembered and matching skips the database; every other answer, an unknown prefix or a
     * wrong secret, does the same work (the address's count, the read, the hash compare).
     */
    @Transactional
    public Verdict verify(String presented, String address) {
        if (!secrets.configured()) {
            return refused(new Invalid(null, "unknown"), address);
        }
        String prefix = KeySecrets.prefixOf(presented);
        byte[] hash = secrets.hash(presented);
        Instant now = clock.instant();
        Seen last = prefix == null ? null : seen.get(prefix);
        boolean remembered = last != null && last.readAt().plusMillis(recheckMs).isAfter(now)
                && MessageDigest.isEqual(hash, last.key().secretHash());
        if (!remembered) {
            Duration wait = failures.wait(address);
            if (wait != null) {
                return new Blocked(wait, failures.perMinute());
            }
            last = prefix == null ? null : read(prefix, now);
        }
        ApiKey key = last == null ? null : last.key();
        if (!MessageDigest.isEqual(hash, key == null ? NO_HASH : key.secretHash())) {
            return refused(new Invalid(key, "unknown"), address);
        }
        String reason = key.refusedAt(now);
        if (reason != null) {
            return refused(new Invalid(key, reason), address);
        }
        if (!remembered) {
            used(key.id(), now);
        }
        return new Valid(key.caller());
    }

    private Seen read(String prefix, Instant now) {
        List<ApiKey> found = em.createQuery("select k from ApiKey k where k.prefix = :prefix", ApiKey.class)
                .setParameter("prefix", prefix).getResultList();
        if (found.isEmpty()) {
            return null; // unknown prefixes are not remembered: nobody can fill the map
        }
        Seen read = new Seen(found.get(0), now);
        seen.put(prefix, read);
        return read;
    }

    private void used(UUID id, Instant at) {
        em.createQuery("update ApiKey k set k.lastUsedAt = :at where k.id = :id")
                .setParameter("at", at).setParameter("id", id).executeUpdate();
    }

    private Invalid refused(Invalid invalid, String address) {
        failures.count(address);
        ApiKey key = invalid.key();
        if (key != null) {
            audited("api_key.refused", AuditEntry.Who.of(key.companyId(), key.caller().userId()), key, invalid.reason());
        }
        return invalid;
    }

    private void audited(String action, AuditEntry.Who who, ApiKey key, String outcome) {
        audit.fire(AuditEntry.of(action, who, request.id(), null, outcome).withTarget(target(key.id())));
    }

    /** How audit rows name a key. */
    public static String target(UUID keyId) {
        return "api_key:" + keyId;
    }
}
