package dev.tollgate.batch;

import static dev.tollgate.platform.JsonFields.object;
import static dev.tollgate.platform.JsonFormat.JSON;

import dev.tollgate.llm.Message;
import dev.tollgate.platform.ProblemException;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The native front's items, {@code {custom_id, query | messages, max_tokens?}}, from a JSON
 * body's {@code items} or one per line of JSONL. A wrong item is a 400 naming it: {@code items[3]}
 * or {@code line 4}, and the field.
 */
final class NativeItems {

    static final int MAX_TOKENS = 8192;
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private NativeItems() {
    }

    static List<ItemInput> of(JsonArray items) {
        List<ItemInput> read = new ArrayList<>(items.size());
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String at = "items[" + i + "]";
            if (!(items.get(i) instanceof JsonObject item)) {
                throw ProblemException.invalidField(at, "must be an object");
            }
            read.add(unique(item(item, at + "."), seen, at));
        }
        return read;
    }

    static List<ItemInput> ofLines(String jsonl) {
        List<ItemInput> read = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        String[] lines = jsonl.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String at = "line " + (i + 1);
            read.add(unique(item(object(line, at), at + ": "), seen, at));
        }
        return read;
    }

    /** One line of JSONL as an object, or a 400 naming the line. */

    /** The item, its custom_id not seen before in the batch. */
    static ItemInput unique(ItemInput item, Map<String, Integer> seen, String at) {
        Integer earlier = seen.putIfAbsent(item.customId(), seen.size());
        if (earlier != null) {
            throw ProblemException.invalidField(at, "repeats custom_id '" + item.customId() + "': each must be unique");
        }
        return item;
    }

    private static ItemInput item(JsonObject item, String at) {
        String customId = customId(item.get("custom_id"), at);
        boolean asked = item.containsKey("query") && item.get("query") != JsonValue.NULL;
        boolean sent = item.containsKey("messages") && item.get("messages") != JsonValue.NULL;
        if (asked == sent) {
            throw ProblemException.invalidField(at + "query", "or messages is required, not both");
        }
        List<Message> messages;
        String query;
        if (asked) {
            if (!(item.get("query") instanceof JsonString text) || text.getString().isBlank()) {
                throw ProblemException.invalidField(at + "query", "must be a non-empty string");
            }
            query = text.getString();
            messages = List.of(new Message("user", query, null));
        } else {
            messages = messages(item.get("messages"), at + "messages");
            query = messages.stream().filter(m -> m.role().equals("user")).reduce((a, b) -> b)
                    .orElseThrow(() -> ProblemException.invalidField(at + "messages", "must contain a user message"))
                    .content();
        }
        return new ItemInput(customId, query, messages, maxTokens(item.get("max_tokens"), at + "max_tokens"), null);
    }

    static String customId(JsonValue value, String at) {
        if (!(value instanceof JsonString id) || id.getString().isBlank() || id.getString().length() > 255) {
            throw ProblemException.invalidField(at + "custom_id", "must be a string of 1 to 255 characters");
        }
        return id.getString();
    }

    private static List<Message> messages(JsonValue value, String at) {
        if (!(value instanceof JsonArray array) || array.isEmpty()) {
            throw ProblemException.invalidField(at, "must be a non-empty array of {role, content}");
        }
        List<Message> messages = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof JsonObject message) || !(message.get("role") instanceof JsonString role)
                    || !ROLES.contains(role.getString()) || !(message.get("content") instanceof JsonString content)) {
                throw ProblemException.invalidField(at + "[" + i + "]",
                        "must be {role: system | user | assistant, content: string}");
            }
            messages.add(new Message(role.getString(), content.getString(), null));
        }
        return messages;
    }

    private static Integer maxTokens(JsonValue value, String at) {
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonNumber number) || !number.isIntegral() || number.longValue() < 1
                || number.longValue() > MAX_TOKENS) {
            throw ProblemException.invalidField(at, "must be an integer from 1 to " + MAX_TOKENS);
        }
        return number.intValue();
    }
}
