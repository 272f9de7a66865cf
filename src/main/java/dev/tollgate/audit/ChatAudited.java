package dev.tollgate.audit;

import java.util.UUID;

/** A chat request that ended, as the audit log records it (CDI event fired by the chat use case). */
public record ChatAudited(String action, String companyId, String userId, String requestId, UUID sessionId,
                          Integer promptTokens, Integer completionTokens, Long credits, String outcome,
                          Long latencyMs) {

    public ChatAudited withCredits(long charged) {
        return new ChatAudited(action, companyId, userId, requestId, sessionId, promptTokens, completionTokens,
                charged, outcome, latencyMs);
    }
}
