package dev.tollgate.llm.client;

import static dev.tollgate.platform.JsonFormat.JSON;

import dev.tollgate.llm.ChatPrompt;
import dev.tollgate.llm.LlmException;
import dev.tollgate.llm.LlmRateLimited;
import dev.tollgate.llm.LlmTimeout;
import dev.tollgate.llm.LlmUnavailable;
import dev.tollgate.llm.Message;
import dev.tollgate.llm.Usage;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.util.function.Consumer;

/**
 * OpenAI's Chat Completions wire, as servers that speak it really send it (vLLM, Ollama,
 * llama.cpp, OpenAI, Azure): the request Tollgate sends, and its chunks read into the stream's
 * own. Tolerated: a first chunk with empty {@code choices}, usage in the last content chunk or in
 * none, {@code finish_reason} on an empty delta, an error object mid-stream under 200 (flat or
 * nested, with a numeric or string code).
 */
final class OpenAiWire implements UpstreamStream.Wire {

    static final OpenAiWire WIRE = new OpenAiWire();

    private OpenAiWire() {
    }

    /**
     * The streaming request for the prompt: its messages as sent (or the query as the one user
     * message), usage always asked for, and the answer's limit under both of OpenAI's names, since
     * some servers know only the older one.
     */
    static String requestBody(ChatPrompt prompt, String upstreamModel) {
        JsonObjectBuilder body;
        if (prompt.passOn() != null) {
            body = JSON.createObjectBuilder(prompt.passOn()); // messages, tools and settings as the client sent them
        } else {
            var messages = JSON.createArrayBuilder();
            if (prompt.messages() == null || prompt.messages().isEmpty()) {
                messages.add(JSON.createObjectBuilder().add("role", "user").add("content", prompt.query()));
            } else {
                for (Message message : prompt.messages()) {
                    messages.add(JSON.createObjectBuilder().add("role", message.role()).add("content", message.content()));
                }
            }
            body = JSON.createObjectBuilder().add("messages", messages);
        }
        return body
                .add("model", upstreamModel)
                .add("stream", true)
                .add("stream_options", JSON.createObjectBuilder().add("include_usage", true))
                .add("max_tokens", prompt.maxTokens())
                .add("max_completion_tokens", prompt.maxTokens())
                .build().toString();
    }

    @Override
    public void read(String data, Consumer<ChatWire.Chunk> chunks) {
        if ("[DONE]".equals(data.trim())) {
            chunks.accept(new ChatWire.DoneChunk());
            return;
        }
        JsonObject chunk;
        try (JsonReader reader = JSON.createReader(new StringReader(data))) {
            chunk = reader.readObject();
        } catch (JsonParsingException | ClassCastException | IllegalStateException e) {
            chunks.accept(new ChatWire.ErrorChunk("bad_chunk", "unreadable stream event"));
            return;
        }
        if (chunk.containsKey("error")) {
            chunks.accept(error(chunk));
            return;
        }
        JsonValue choices = chunk.get("choices");
        if (choices instanceof JsonArray list && !list.isEmpty() && list.get(0) instanceof JsonObject choice) {
            if (choice.get("delta") instanceof JsonObject delta) {
                if (delta.get("content") instanceof JsonString text && !text.getString().isEmpty()) {
                    chunks.accept(new ChatWire.TokenChunk(text.getString()));
                }
                if (delta.get("tool_calls") instanceof JsonArray calls && !calls.isEmpty()) {
                    chunks.accept(new ChatWire.ToolCallsChunk(calls.toString()));
                }
            }
            if (choice.get("finish_reason") instanceof JsonString reason) {
                chunks.accept(new ChatWire.FinishChunk(reason.getString()));
            }
        }
        if (chunk.get("usage") instanceof JsonObject usage) {
            chunks.accept(new ChatWire.UsageChunk(new Usage(usage.getInt("prompt_tokens", 0),
                    usage.getInt("completion_tokens", 0))));
        }
    }

    /** {@code {"error": {"code": …, "message": …}}} or {@code {"error": "…", "code": 400}}. */
    private static ChatWire.ErrorChunk error(JsonObject chunk) {
        JsonValue error = chunk.get("error");
        JsonObject details = error instanceof JsonObject nested ? nested : chunk;
        JsonValue code = details.get("code");
        String said = code instanceof JsonString text ? text.getString()
                : code instanceof JsonNumber number ? number.toString()
                : details.getString("type", "llm_error");
        String message = error instanceof JsonString text ? text.getString() : details.getString("message", "");
        return new ChatWire.ErrorChunk(said, message);
    }

    /** A status answered by an OpenAI-compatible server: no sessions here, so a 404 is a missing model. */
    @Override
    public LlmException status(int status, String retryAfter) {
        return switch (status) {
            case 429 -> new LlmRateLimited("LLM server answered 429", UpstreamErrors.parseRetryAfter(retryAfter));
            case 408, 504 -> new LlmTimeout("LLM server answered " + status, UpstreamErrors.parseRetryAfter(retryAfter));
            default -> new LlmUnavailable("LLM server answered " + status, UpstreamErrors.parseRetryAfter(retryAfter));
        };
    }
}
