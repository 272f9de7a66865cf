package dev.tollgate.audit;

import java.util.UUID;

/**
 * One thing that happened, as the audit log records it: who, what, and what it used and cost.
 * Never the text of a prompt or an answer. Fired as a CDI event by the package where it happened.
 */
public record AuditEntry(String action, Who who, String requestId, UUID sessionId, String model,
                         Integer promptTokens, Integer completionTokens, Long credits, String outcome,
                         Long latencyMs, Long ttftMs, String target) {

    /** Who acted, and from where. Background jobs act with no user and no address. */
    public record Who(String companyId, String userId, String roles, String clientAddress, String userAgent) {

        public static Who job(String companyId) {
            return new Who(companyId, null, null, null, null);
        }

        public static Who of(String companyId, String userId) {
            return new Who(companyId, userId, null, null, null);
        }
    }

    public static AuditEntry of(String action, Who who, String requestId, UUID sessionId, String outcome) {
        return new AuditEntry(action, who, requestId, sessionId, null, null, null, null, outcome, null, null, null);
    }

    public AuditEntry withUsage(String usedModel, Integer prompt, Integer completion, Long charged) {
        return new AuditEntry(action, who, requestId, sessionId, usedModel, prompt, completion, charged, outcome,
                latencyMs, ttftMs, target);
    }

    public AuditEntry withTimes(Long latency, Long ttft) {
        return new AuditEntry(action, who, requestId, sessionId, model, promptTokens, completionTokens, credits,
                outcome, latency, ttft, target);
    }

    public AuditEntry withCredits(long charged) {
        return withUsage(model, promptTokens, completionTokens, charged);
    }

    public AuditEntry withWho(Who whoActed) {
        return new AuditEntry(action, whoActed, requestId, sessionId, model, promptTokens, completionTokens, credits,
                outcome, latencyMs, ttftMs, target);
    }

    public AuditEntry withTarget(String what) {
        return new AuditEntry(action, who, requestId, sessionId, model, promptTokens, completionTokens, credits,
                outcome, latencyMs, ttftMs, what);
    }
}
