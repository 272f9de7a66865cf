package dev.tollgate.turn;

import dev.tollgate.llm.Message;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a front asks of a turn, validated by the front: a question in the caller's session
 * ({@code sessionId} null opens a new one), with the model, answer size and filters it named,
 * each null for the default. {@code messages}: the whole conversation, when the client sent it
 * (OpenAI's front); null when it sent the question only. {@code passOn}: what an OpenAI-compatible
 * server gets as sent (messages, tools, sampling settings), or null.
 */
public record Ask(UUID sessionId, String query, Integer maxTokens, String model, Map<String, Object> filters,
                  List<Message> messages, JsonObject passOn) {
}
