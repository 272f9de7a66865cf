package dev.tollgate.llm;

import java.util.UUID;

/** One question for the model in a session. */
public record ChatPrompt(UUID sessionId, String query, int maxTokens, String requestId) {
}
