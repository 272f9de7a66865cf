package dev.tollgate.openai;

import dev.tollgate.llm.Message;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.turn.Ask;
import static dev.tollgate.platform.JsonFormat.JSON;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * A Chat Completions request, read field by field as OpenAI documents it. Fields it does not know
 * are ignored, as OpenAI does; a known field of the wrong JSON type is refused with its name.
 * Towards a service that keeps the conversation (the session), the last user message is the
 * question; a server that keeps none (OpenAI-compatible) gets the messages as sent
 * ({@code developer} as {@code system}, which every server knows), with the tools and sampling
 * settings ({@link #passOn}); the seed's service takes neither, and a request with tools for a
 * model served only by it is refused.
 */
record CompletionRequest(String model, List<Message> messages, boolean stream, boolean includeUsage, Integer maxTokens,
                         JsonObject passOn) {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    private static final int MAX_TOKENS = 8192;
    private static final List<String> PASSED_ON = List.of("tools", "tool_choice", "parallel_tool_calls",
            "response_format", "temperature", "top_p", "stop", "seed", "frequency_penalty", "presence_penalty");

    static CompletionRequest of(JsonObject body) {
        String model = string(body, "model");
        if (model == null || model.isBlank()) {
            throw invalid("model", "is required");
        }
        Integer maxTokens = integer(body, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = integer(body, "max_tokens");
        }
        if (maxTokens != null && (maxTokens < 1 || maxTokens > MAX_TOKENS)) {
            throw invalid(body.containsKey("max_completion_tokens") ? "max_completion_tokens" : "max_tokens",
                    "must be between 1 and " + MAX_TOKENS);
        }
        Integer n = integer(body, "n");
        if (n != null && n != 1) {
            throw invalid("n", "only 1 choice is supported");
        }
        typed(body, "tools", JsonValue.ValueType.ARRAY);
        typed(body, "response_format", JsonValue.ValueType.OBJECT);
        if (present(body, "tool_choice") && !(body.get("tool_choice") instanceof JsonString)
                && !(body.get("tool_choice") instanceof JsonObject)) {
            throw invalid("tool_choice", "must be a string or an object");
        }
        bool(body, "parallel_tool_calls");
        Boolean stream = bool(body, "stream");
        JsonObject options = object(body, "stream_options");
        Boolean includeUsage = options == null ? null : bool(options, "include_usage", "stream_options.include_usage");
        typed(body, "temperature", JsonValue.ValueType.NUMBER);
        typed(body, "top_p", JsonValue.ValueType.NUMBER);
        typed(body, "seed", JsonValue.ValueType.NUMBER);
        typed(body, "user", JsonValue.ValueType.STRING);
        typed(body, "safety_identifier", JsonValue.ValueType.STRING);
        typed(body, "prompt_cache_key", JsonValue.ValueType.STRING);
        if (present(body, "stop") && !(body.get("stop") instanceof JsonString) && !(body.get("stop") instanceof JsonArray)) {
            throw invalid("stop", "must be a string or an array of strings");
        }
        return new CompletionRequest(model, messages(body), Boolean.TRUE.equals(stream), Boolean.TRUE.equals(includeUsage),
                maxTokens, passOn(body));
    }

    /** The turn this asks for, in the session {@code sessionId} (null: a new one): the last user message is its query. */
    Ask ask(UUID sessionId) {
        String query = null;
        for (Message message : messages) {
            if ("user".equals(message.role())) {
                query = message.content();
            }
        }
        return new Ask(sessionId, query, maxTokens, model, null, messages, passOn);
    }

    /**
     * What an OpenAI-compatible server gets as the client sent it: the messages ({@code developer}
     * as {@code system}), tools, and sampling settings. Tollgate sets the rest (model, stream,
     * usage, the answer's limit).
     */
    private static JsonObject passOn(JsonObject body) {
        JsonArrayBuilder messages = JSON.createArrayBuilder();
        for (JsonValue sent : body.getJsonArray("messages")) {
            JsonObject message = sent.asJsonObject();
            messages.add("developer".equals(message.getString("role"))
                    ? JSON.createObjectBuilder(message).add("role", "system") : JSON.createObjectBuilder(message));
        }
        JsonObjectBuilder passed = JSON.createObjectBuilder().add("messages", messages);
        for (String name : PASSED_ON) {
            if (present(body, name)) {
                passed.add(name, body.get(name));
            }
        }
        return passed.build();
    }

    private static List<Message> messages(JsonObject body) {
        if (!(body.get("messages") instanceof JsonArray messages) || messages.isEmpty()) {
            throw invalid("messages", "must be a non-empty array of messages");
        }
        List<Message> read = new ArrayList<>();
        boolean asked = false;
        for (int i = 0; i < messages.size(); i++) {
            String at = "messages[" + i + "]";
            if (!(messages.get(i) instanceof JsonObject message)) {
                throw invalid(at, "must be an object");
            }
            String role = string(message, "role", at + ".role");
            if (role == null || !ROLES.contains(role)) {
                throw invalid(at + ".role", "must be one of " + ROLES);
            }
            String text = text(message.get("content"), at + ".content");
            if ("user".equals(role)) {
                if (text == null || text.isBlank()) {
                    throw invalid(at + ".content", "a user message needs text");
                }
                asked = true;
            }
            read.add(new Message("developer".equals(role) ? "system" : role, text == null ? "" : text, null));
        }
        if (!asked) {
            throw invalid("messages", "must contain a user message");
        }
        return List.copyOf(read);
    }

    /** A message's content: a string, an array of text parts, or absent (an assistant's tool call). */
    private static String text(JsonValue content, String at) {
        if (content == null || content.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (content instanceof JsonString string) {
            return string.getString();
        }
        if (!(content instanceof JsonArray parts)) {
            throw invalid(at, "must be a string or an array of content parts");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            String partAt = at + "[" + i + "]";
            if (!(parts.get(i) instanceof JsonObject part) || !"text".equals(string(part, "type", partAt + ".type"))) {
                throw invalid(partAt, "only text parts are supported");
            }
            String partText = string(part, "text", partAt + ".text");
            if (partText == null) {
                throw invalid(partAt + ".text", "is required");
            }
            text.append(partText);
        }
        return text.toString();
    }

    private static boolean present(JsonObject body, String name) {
        return body.containsKey(name) && body.get(name).getValueType() != JsonValue.ValueType.NULL;
    }

    private static void typed(JsonObject body, String name, JsonValue.ValueType type) {
        if (present(body, name) && body.get(name).getValueType() != type) {
            String said = type.name().toLowerCase(Locale.ROOT);
            throw invalid(name, "must be " + (said.startsWith("a") || said.startsWith("o") ? "an " : "a ") + said);
        }
    }

    private static String string(JsonObject body, String name) {
        return string(body, name, name);
    }

    private static String string(JsonObject body, String name, String at) {
        if (!present(body, name)) {
            return null;
        }
        if (!(body.get(name) instanceof JsonString value)) {
            throw invalid(at, "must be a string");
        }
        return value.getString();
    }

    private static Integer integer(JsonObject body, String name) {
        if (!present(body, name)) {
            return null;
        }
        if (!(body.get(name) instanceof JsonNumber value) || !value.isIntegral()) {
            throw invalid(name, "must be an integer");
        }
        return value.bigIntegerValue().bitLength() < 32 ? value.intValue() : Integer.MAX_VALUE;
    }

    private static Boolean bool(JsonObject body, String name) {
        return bool(body, name, name);
    }

    private static Boolean bool(JsonObject body, String name, String at) {
        if (!present(body, name)) {
            return null;
        }
        JsonValue value = body.get(name);
        if (value != JsonValue.TRUE && value != JsonValue.FALSE) {
            throw invalid(at, "must be a boolean");
        }
        return value == JsonValue.TRUE;
    }

    private static JsonObject object(JsonObject body, String name) {
        if (!present(body, name)) {
            return null;
        }
        if (!(body.get(name) instanceof JsonObject value)) {
            throw invalid(name, "must be an object");
        }
        return value;
    }

    static ProblemException invalid(String param, String message) {
        return ProblemException.invalidField(param, message);
    }
}
