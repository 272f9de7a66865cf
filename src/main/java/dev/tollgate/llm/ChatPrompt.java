package dev.tollgate.llm;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One question for the model in a session of {@code userId} in {@code companyId}; filters were
 * validated against the configured schema. {@code messages} is the conversation a client sent
 * with it (OpenAI's front), for servers that keep none; null when the client sent only the query.
 */
public record ChatPrompt(UUID sessionId, String userId, String companyId, String model, String query, int maxTokens,
                         Map<String, Object> filters, String requestId, List<Message> messages) {

    /** The texts the model reads: the messages sent, or the question alone. */
    public List<String> texts() {
        return messages == null ? List.of(query) : messages.stream().map(Message::content).toList();
    }
}
