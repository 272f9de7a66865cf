package dev.tollgate.batch;

import static dev.tollgate.platform.JsonFormat.JSON;

import dev.tollgate.llm.Message;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.List;

/**
 * One request of a batch, as its front read it: the question (the last user message), the whole
 * conversation, the answer's limit (null: the model's default) and what an OpenAI-compatible
 * server gets as sent ({@code passOn}, or null). Stored sealed, as {@link #json}.
 */
public record ItemInput(String customId, String query, List<Message> messages, Integer maxTokens, JsonObject passOn) {

    /** The texts the model reads, for the hold's count of prompt tokens. */
    public List<String> texts() {
        return messages.stream().map(Message::content).toList();
    }

    String json() {
        JsonArrayBuilder sent = JSON.createArrayBuilder();
        messages.forEach(m -> sent.add(JSON.createObjectBuilder().add("role", m.role()).add("content", m.content())));
        JsonObjectBuilder json = JSON.createObjectBuilder().add("query", query).add("messages", sent);
        if (maxTokens != null) {
            json.add("max_tokens", maxTokens);
        }
        if (passOn != null) {
            json.add("pass_on", passOn);
        }
        return json.build().toString();
    }

    static ItemInput of(String customId, String json) {
        JsonObject read = JSON.createReader(new StringReader(json)).readObject();
        List<Message> messages = read.getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                .map(m -> new Message(m.getString("role"), m.getString("content"), null)).toList();
        JsonValue passOn = read.get("pass_on");
        return new ItemInput(customId, read.getString("query"), messages,
                read.containsKey("max_tokens") ? read.getInt("max_tokens") : null,
                passOn instanceof JsonObject object ? object : null);
    }
}
