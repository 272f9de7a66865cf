package dev.tollgate.credits;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One movement of credits. Positive amounts add to the balance, negative ones take from it. */
@Entity
@Table(name = "ledger_entry")
public class LedgerEntry {

    /** DEBIT and REFUND are the first version's kinds, kept readable for entries booked then. */
    public enum Kind { GRANT, DEBIT, REFUND, RESERVE, CAPTURE, RELEASE, ADJUSTMENT }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "company_id", nullable = false)
    private String companyId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Kind kind;

    @Column(nullable = false)
    private long amount;

    @Column(name = "request_id")
    private String requestId;

    @Column(name = "session_id")
    private UUID sessionId;

    @Column(name = "user_id")
    private String userId;

    private String model;

    @Column(name = "idempotency_key", nullable = false, unique = true)
    private String idempotencyKey;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected LedgerEntry() {
    }

    LedgerEntry(String companyId, Kind kind, long amount, Charge charge, String idempotencyKey, Instant at) {
        this.companyId = companyId;
        this.kind = kind;
        this.amount = amount;
        this.requestId = charge == null ? null : charge.requestId();
        this.sessionId = charge == null ? null : charge.sessionId();
        this.userId = charge == null ? null : charge.userId();
        this.model = charge == null ? null : charge.model();
        this.idempotencyKey = idempotencyKey;
        this.createdAt = at;
    }

    public Long id() { return id; }
    public String companyId() { return companyId; }
    public Kind kind() { return kind; }
    public long amount() { return amount; }
    public String requestId() { return requestId; }
    public UUID sessionId() { return sessionId; }
    public String userId() { return userId; }
    public String idempotencyKey() { return idempotencyKey; }
    public String model() { return model; }
    public Instant createdAt() { return createdAt; }
}
