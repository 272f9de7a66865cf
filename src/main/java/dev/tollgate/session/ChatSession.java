package dev.tollgate.session;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A session's mirror: its owner and usage. The counts are kept by the database function that
 * ends a turn ({@code tollgate_end_turn}, db/R__settlement.sql), so this entity only creates and reads them.
 */
@Entity
@Table(name = "chat_session")
public class ChatSession {

    @Id
    private UUID id;

    @Column(name = "user_id", nullable = false)
    private String userId;

    @Column(name = "company_id", nullable = false)
    private String companyId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "last_activity_at", nullable = false)
    private Instant lastActivityAt;

    @Column(name = "message_count", nullable = false)
    private int messageCount;

    @Column(name = "credits_used", nullable = false)
    private long creditsUsed;

    protected ChatSession() {
    }

    ChatSession(UUID id, String userId, String companyId, Instant now) {
        this.id = id;
        this.userId = userId;
        this.companyId = companyId;
        this.createdAt = now;
        this.lastActivityAt = now;
    }

    public UUID id() { return id; }
    public String userId() { return userId; }
    public String companyId() { return companyId; }
    public Instant createdAt() { return createdAt; }
    public Instant lastActivityAt() { return lastActivityAt; }
    public int messageCount() { return messageCount; }
    public long creditsUsed() { return creditsUsed; }
}
