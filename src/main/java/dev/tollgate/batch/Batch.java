package dev.tollgate.batch;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A batch as it stands. Its row is written by {@link BatchStore}'s statements (counters move in
 * the transaction of the item that moved them); this entity reads it.
 */
@Entity
@Table(name = "batch")
public class Batch {

    /** OpenAI's statuses; a batch ends in one of the last four. */
    public static final Set<String> ENDED = Set.of("completed", "failed", "expired", "cancelled");

    @Id
    private UUID id;
    @Column(name = "company_id")
    private String companyId;
    @Column(name = "user_id")
    private String userId;
    private String model;
    private String front;
    private String status;
    @Column(name = "request_id")
    private String requestId;
    @Column(name = "hold_id")
    private UUID holdId;
    private long held;
    private long captured;
    private long released;
    private int total;
    private int completed;
    private int failed;
    @Column(name = "event_seq")
    private long eventSeq;
    @Column(columnDefinition = "jsonb")
    @JdbcTypeCode(SqlTypes.JSON)
    private String metadata;
    @Column(name = "webhook_url")
    private String webhookUrl;
    @Column(name = "input_file_id")
    private String inputFileId;
    @Column(name = "completion_window")
    private String completionWindow;
    @Column(name = "created_at")
    private Instant createdAt;
    @Column(name = "expires_at")
    private Instant expiresAt;
    @Column(name = "ended_at")
    private Instant endedAt;
    @Column(name = "cancelled_at")
    private Instant cancelledAt;
    @Column(name = "purge_after")
    private Instant purgeAfter;
    @Column(name = "purged_at")
    private Instant purgedAt;

    protected Batch() {
    }

    public boolean ended() {
        return ENDED.contains(status);
    }

    /** Items neither answered nor failed: waiting or running, or, once ended, cancelled or expired. */
    public int unfinished() {
        return total - completed - failed;
    }

    public UUID id() { return id; }
    public String companyId() { return companyId; }
    public String userId() { return userId; }
    public String model() { return model; }
    public String front() { return front; }
    public String status() { return status; }
    public String requestId() { return requestId; }
    public UUID holdId() { return holdId; }
    public long held() { return held; }
    public long captured() { return captured; }
    public long released() { return released; }
    public int total() { return total; }
    public int completed() { return completed; }
    public int failed() { return failed; }
    public long eventSeq() { return eventSeq; }
    public String metadata() { return metadata; }
    public String webhookUrl() { return webhookUrl; }
    public String inputFileId() { return inputFileId; }
    public String completionWindow() { return completionWindow; }
    public Instant createdAt() { return createdAt; }
    public Instant expiresAt() { return expiresAt; }
    public Instant endedAt() { return endedAt; }
    public Instant cancelledAt() { return cancelledAt; }
    public Instant purgeAfter() { return purgeAfter; }
    public Instant purgedAt() { return purgedAt; }
}
