package dev.tollgate.credits;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * The state of one hold. Money moves only through ledger entries; this row says where the hold
 * stands and until when it may stay open, and is changed in the same transaction as the entries.
 */
@Entity
@Table(name = "credit_reservation")
public class Reservation {

    /** A chat turn's hold is swept after its expiry; a batch's is settled by its batch. */
    public enum Purpose { TURN, BATCH }

    public enum Status { OPEN, CAPTURED, RELEASED, EXPIRED }

    @Id
    @Column(name = "turn_id")
    private UUID turnId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Purpose purpose;

    @Column(name = "company_id", nullable = false)
    private String companyId;

    @Column(name = "user_id")
    private String userId;

    @Column(name = "request_id")
    private String requestId;

    @Column(name = "session_id")
    private UUID sessionId;

    private String model;

    @Column(nullable = false)
    private long amount;

    @Column(nullable = false)
    private long captured;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Status status;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "settled_at")
    private Instant settledAt;

    protected Reservation() {
    }

    // Holds are written by tollgate_reserve (db/R__holds.sql); this entity reads and settles them.

    void settle(Status outcome, long capturedCredits, Instant at) {
        this.status = outcome;
        this.captured = capturedCredits;
        this.settledAt = at;
    }

    /** The charge this hold was taken for, to settle it with. */
    Charge charge() {
        return new Charge(turnId, companyId, userId, requestId, sessionId, model, amount);
    }

    public UUID turnId() { return turnId; }
    public Purpose purpose() { return purpose; }
    public String companyId() { return companyId; }
    public String userId() { return userId; }
    public String requestId() { return requestId; }
    public UUID sessionId() { return sessionId; }
    public String model() { return model; }
    public long amount() { return amount; }
    public long captured() { return captured; }
    public Status status() { return status; }
    public Instant createdAt() { return createdAt; }
    public Instant expiresAt() { return expiresAt; }
    public Instant settledAt() { return settledAt; }
}
