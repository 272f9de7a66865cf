package dev.tollgate.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One audited action. There is deliberately no column that could hold prompt text. */
@Entity
@Table(name = "audit_event")
public class AuditEvent {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "occurred_at", nullable = false)
    private Instant occurredAt;

    @Column(name = "company_id")
    private String companyId;

    @Column(name = "user_id")
    private String userId;

    @Column(nullable = false)
    private String action;

    @Column(name = "request_id")
    private String requestId;

    @Column(name = "session_id")
    private UUID sessionId;

    @Column(name = "prompt_tokens")
    private Integer promptTokens;

    @Column(name = "completion_tokens")
    private Integer completionTokens;

    private Long credits;

    @Column(nullable = false)
    private String outcome;

    @Column(name = "latency_ms")
    private Long latencyMs;

    protected AuditEvent() {
    }

    AuditEvent(ChatAudited chat, Instant at) {
        this.occurredAt = at;
        this.companyId = chat.companyId();
        this.userId = chat.userId();
        this.action = chat.action();
        this.requestId = chat.requestId();
        this.sessionId = chat.sessionId();
        this.promptTokens = chat.promptTokens();
        this.completionTokens = chat.completionTokens();
        this.credits = chat.credits();
        this.outcome = chat.outcome();
        this.latencyMs = chat.latencyMs();
    }

    public String action() { return action; }
    public String outcome() { return outcome; }
    public String requestId() { return requestId; }
}
