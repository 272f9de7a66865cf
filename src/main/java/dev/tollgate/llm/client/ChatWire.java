package dev.tollgate.llm.client;

import static dev.tollgate.platform.JsonFormat.JSON;

import dev.tollgate.llm.ChatPrompt;
import dev.tollgate.llm.LlmException;
import dev.tollgate.llm.Usage;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.util.function.Consumer;

/** The LLM service's chat wire format, in both directions, and nothing else. */
final class ChatWire {

    sealed interface Chunk permits TokenChunk, ToolCallsChunk, FinishChunk, UsageChunk, ErrorChunk, DoneChunk {
    }

    record TokenChunk(String content) implements Chunk {
    }

    /** A delta of tool calls, as JSON, passed on unchanged. */
    record ToolCallsChunk(String json) implements Chunk {
    }

    /** The server's reason the answer ended. */
    record FinishChunk(String reason) implements Chunk {
    }

    record UsageChunk(Usage usage) implements Chunk {
    }

    record ErrorChunk(String code, String message) implements Chunk {
    }

    record DoneChunk() implements Chunk {
    }

    /** The seed's contract as an {@link UpstreamStream.Wire}: one chunk per event. */
    static final UpstreamStream.Wire SEED = new UpstreamStream.Wire() {
        @Override
        public void read(String data, Consumer<Chunk> chunks) {
            chunks.accept(parse(data));
        }

        @Override
        public LlmException status(int status, String retryAfter) {
            return UpstreamErrors.fromStatus(status, retryAfter);
        }
    };

    private ChatWire() {
    }

    static String requestBody(ChatPrompt prompt) {
        var body = JSON.createObjectBuilder()
                .add("session_id", prompt.sessionId().toString())
                .add("model", prompt.model())
                .add("query", prompt.query())
                .add("max_tokens", prompt.maxTokens());
        if (prompt.filters() != null && !prompt.filters().isEmpty()) {
            body.add("filters", JSON.createObjectBuilder(prompt.filters()));
        }
        return body.build().toString();
    }

    /** One SSE data payload of the stream. Anything unrecognisable is an error chunk, not an exception. */
    static Chunk parse(String data) {
        if ("[DONE]".equals(data.trim())) {
            return new DoneChunk();
        }
        try (JsonReader reader = JSON.createReader(new StringReader(data))) {
            JsonObject object = reader.readObject();
            if (object.containsKey("content")) {
                return new TokenChunk(object.getString("content"));
            }
            if (object.containsKey("usage")) {
                JsonObject usage = object.getJsonObject("usage");
                return new UsageChunk(new Usage(usage.getInt("prompt_tokens", 0), usage.getInt("completion_tokens", 0)));
            }
            if (object.containsKey("error")) {
                JsonObject error = object.getJsonObject("error");
                return new ErrorChunk(error.getString("code", "llm_error"), error.getString("message", ""));
            }
        } catch (JsonParsingException | ClassCastException | IllegalStateException e) {
            return new ErrorChunk("bad_chunk", "unreadable stream event");
        }
        return new ErrorChunk("bad_chunk", "unknown stream event");
    }
}
