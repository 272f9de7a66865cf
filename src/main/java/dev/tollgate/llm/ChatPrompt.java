package dev.tollgate.llm;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One question for the model in a session of {@code userId} in {@code companyId}; filters were
 * validated against the configured schema. {@code messages} is the conversation a client sent
 * with it (OpenAI's front), for servers that keep none; null when the client sent only the query.
 * {@code passOn}: the request's fields an OpenAI-compatible server gets as sent (its messages,
 * tools, sampling settings), or null.
 */
public record ChatPrompt(UUID sessionId, String userId, String companyId, String model, String query, int maxTokens,
                         Map<String, Object> filters, String requestId, List<Message> messages, JsonObject passOn) {

    /** The fields only an OpenAI-compatible server can take: a prompt with any goes to one. */
    public static final List<String> OPENAI_ONLY = List.of("tools", "tool_choice", "response_format");

    /** The first field of the prompt that only an OpenAI-compatible server takes, or null. */
    public String openAiOnly() {
        return passOn == null ? null : OPENAI_ONLY.stream().filter(passOn::containsKey).findFirst().orElse(null);
    }

    /** The texts the model reads: the messages sent, or the question alone. */
    public List<String> texts() {
        return messages == null ? List.of(query) : messages.stream().map(Message::content).toList();
    }
}
