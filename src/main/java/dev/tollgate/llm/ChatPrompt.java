package dev.tollgate.llm;

import java.util.Map;
import java.util.UUID;

/**
 * One question for the model in a session of {@code userId} in {@code companyId}; filters were
 * validated against the configured schema.
 */
public record ChatPrompt(UUID sessionId, String userId, String companyId, String model, String query, int maxTokens,
                         Map<String, Object> filters, String requestId) {
}
