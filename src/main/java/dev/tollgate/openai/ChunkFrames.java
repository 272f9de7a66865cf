package dev.tollgate.openai;

import dev.tollgate.platform.JsonFormat;
import dev.tollgate.platform.Problem;
import dev.tollgate.platform.SseOut;
import dev.tollgate.turn.TurnEvents;
import jakarta.json.JsonObjectBuilder;
import java.io.StringReader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A turn as OpenAI's streamed Chat Completion: {@code data:} frames of {@code chat.completion.chunk}
 * sharing one id, the role first, a delta per token as it arrives, the finish reason last, then
 * the usage chunk (when asked, the only one with empty {@code choices}) and {@code [DONE]}. A
 * failure after the first frame is one {@code error} frame, and the stream ends.
 */
final class ChunkFrames implements TurnEvents {

    private final SseOut out;
    private final Completions.Ids ids;
    private final boolean includeUsage;
    /** A token's chunk up to its text: the same for every token of the answer, so written once. */
    private final String tokenPrefix;
    private volatile Usage usage;

    ChunkFrames(SseOut out, Completions.Ids ids, boolean includeUsage) {
        this.out = out;
        this.ids = ids;
        this.includeUsage = includeUsage;
        this.tokenPrefix = tokenPrefix(ids);
    }

    @Override
    public CompletionStage<?> started(Started started) {
        out.open(started.requestId(), started.sessionId(), started.serverTiming());
        return out.send(null, null, chunk(JsonFormat.JSON.createObjectBuilder().add("role", "assistant").add("content", ""),
                null));
    }

    @Override
    public CompletionStage<?> token(int index, String text) {
        return out.send(null, null, tokenChunk(tokenPrefix, text));
    }

    /** The server's tool-call delta, passed on unchanged in a chunk of this answer. */
    @Override
    public CompletionStage<?> toolCalls(String json) {
        try (var reader = JsonFormat.JSON.createReader(new StringReader(json))) {
            return out.send(null, null, chunk(JsonFormat.JSON.createObjectBuilder().add("tool_calls", reader.readArray()), null));
        }
    }

    @Override
    public CompletionStage<?> usage(Usage settled) {
        usage = settled;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<?> finished(Finished finished) {
        out.send(null, null, chunk(JsonFormat.JSON.createObjectBuilder(), finished.finishReason()));
        if (includeUsage && usage != null) {
            out.send(null, null, ids.frame().add("choices", JsonFormat.JSON.createArrayBuilder())
                    .add("usage", Completions.usage(usage)).build().toString());
        }
        return out.send(null, null, "[DONE]");
    }

    @Override
    public CompletionStage<?> failed(Failed failed) {
        Problem problem = Problem.of(failed.type(), failed.message(), ids.requestId());
        return out.send(null, null, OpenAiErrors.error(problem, failed.type(), failed.type().status()).toString());
    }

    @Override
    public CompletionStage<?> heartbeat() {
        return out.heartbeat();
    }

    @Override
    public void close() {
        out.close();
    }

    private String chunk(JsonObjectBuilder delta, String finishReason) {
        JsonObjectBuilder choice = JsonFormat.JSON.createObjectBuilder().add("index", 0).add("delta", delta);
        if (finishReason == null) {
            choice.addNull("finish_reason");
        } else {
            choice.add("finish_reason", finishReason);
        }
        return ids.frame().add("choices", JsonFormat.JSON.createArrayBuilder().add(choice)).build().toString();
    }

    /** The chunk of one token, {@link #chunk} with a {@code content} delta, written by hand. */
    static String tokenChunk(String prefix, String text) {
        return prefix + JsonFormat.JSON.createValue(text) + "},\"finish_reason\":null}]}";
    }

    static String tokenPrefix(Completions.Ids ids) {
        String frame = ids.frame().build().toString();
        return frame.substring(0, frame.length() - 1) + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":";
    }
}
