package dev.tollgate.auth;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** One API key: whose it is and what it may do. The secret is not here, only its keyed hash. */
@Entity
@Table(name = "api_key")
public class ApiKey {

    /** The user id a key's service user has everywhere in Tollgate: never a person's token subject. */
    static final String SERVICE_USER = "service:";

    @Id
    private UUID id;

    @Column(nullable = false, unique = true)
    private String prefix;

    @Column(name = "secret_hash", nullable = false)
    private byte[] secretHash;

    @Column(name = "company_id", nullable = false)
    private String companyId;

    @Column(name = "service_user", nullable = false)
    private String serviceUser;

    @Column(nullable = false)
    private String[] roles;

    private String[] models;

    @Column(name = "created_by", nullable = false)
    private String createdBy;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "expires_at")
    private Instant expiresAt;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    @Column(name = "last_used_at")
    private Instant lastUsedAt;

    protected ApiKey() {
    }

    ApiKey(String prefix, byte[] secretHash, String companyId, String serviceUser, Set<String> roles,
           Set<String> models, String createdBy, Instant createdAt, Instant expiresAt) {
        this.id = UUID.randomUUID();
        this.prefix = prefix;
        this.secretHash = secretHash.clone();
        this.companyId = companyId;
        this.serviceUser = serviceUser;
        this.roles = roles.toArray(String[]::new);
        this.models = models == null ? null : models.toArray(String[]::new);
        this.createdBy = createdBy;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
    }

    /** The caller a request with this key acts as. */
    Caller caller() {
        return new Caller(SERVICE_USER + serviceUser, companyId, Set.of(roles), models == null ? null : Set.of(models), id);
    }

    /** Why the key no longer opens anything at {@code now}, or null while it does. */
    String refusedAt(Instant now) {
        if (revokedAt != null) {
            return "revoked";
        }
        return expiresAt != null && !expiresAt.isAfter(now) ? "expired" : null;
    }

    void revoke(Instant at) {
        if (revokedAt == null) {
            revokedAt = at;
        }
    }

    public UUID id() { return id; }
    public String prefix() { return prefix; }
    byte[] secretHash() { return secretHash; }
    public String companyId() { return companyId; }
    public String serviceUser() { return serviceUser; }
    public Set<String> roles() { return Set.of(roles); }
    public Set<String> models() { return models == null ? null : Set.of(models); }
    public String createdBy() { return createdBy; }
    public Instant createdAt() { return createdAt; }
    public Instant expiresAt() { return expiresAt; }
    public Instant revokedAt() { return revokedAt; }
    public Instant lastUsedAt() { return lastUsedAt; }
}
