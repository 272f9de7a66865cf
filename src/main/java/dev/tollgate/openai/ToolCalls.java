package dev.tollgate.openai;

import dev.tollgate.platform.JsonFormat;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streamed tool-call deltas joined into a whole message's {@code tool_calls}, as OpenAI's own
 * whole answer has them: per {@code index}, the first {@code id}, {@code type} and function
 * {@code name}, and the {@code arguments} pieces in order.
 */
final class ToolCalls {

    private ToolCalls() {
    }

    private static final class Call {
        String id;
        String type = "function";
        String name;
        final StringBuilder arguments = new StringBuilder();
    }

    static JsonArray joined(List<String> deltas) {
        Map<Integer, Call> calls = new TreeMap<>();
        for (String delta : deltas) {
            try (JsonReader reader = JsonFormat.JSON.createReader(new StringReader(delta))) {
                for (JsonObject part : reader.readArray().getValuesAs(JsonObject.class)) {
                    Call call = calls.computeIfAbsent(part.getInt("index", 0), index -> new Call());
                    if (call.id == null && part.containsKey("id") && !part.isNull("id")) {
                        call.id = part.getString("id");
                    }
                    if (part.containsKey("type") && !part.isNull("type")) {
                        call.type = part.getString("type");
                    }
                    JsonObject function = part.containsKey("function") && !part.isNull("function")
                            ? part.getJsonObject("function") : null;
                    if (function != null && call.name == null && function.containsKey("name") && !function.isNull("name")) {
                        call.name = function.getString("name");
                    }
                    if (function != null && function.containsKey("arguments") && !function.isNull("arguments")) {
                        call.arguments.append(function.getString("arguments"));
                    }
                }
            }
        }
        JsonArrayBuilder joined = JsonFormat.JSON.createArrayBuilder();
        calls.values().forEach(call -> joined.add(JsonFormat.JSON.createObjectBuilder()
                .add("id", call.id == null ? "" : call.id).add("type", call.type)
                .add("function", JsonFormat.JSON.createObjectBuilder().add("name", call.name == null ? "" : call.name)
                        .add("arguments", call.arguments.toString()))));
        return joined.build();
    }
}
