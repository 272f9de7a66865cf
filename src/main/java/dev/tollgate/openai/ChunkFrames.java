package dev.tollgate.openai;

import dev.tollgate.platform.JsonFormat;
import dev.tollgate.platform.Problem;
import dev.tollgate.platform.RequestIds;
import dev.tollgate.turn.TurnEvents;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A turn as OpenAI's streamed Chat Completion: {@code data:} frames of {@code chat.completion.chunk}
 * sharing one id, the role first, a delta per token as it arrives, the finish reason last, then
 * the usage chunk (when asked, the only one with empty {@code choices}) and {@code [DONE]}. A
 * failure after the first frame is one {@code error} frame, and the stream ends.
 */
final class ChunkFrames implements TurnEvents {

    private final SseEventSink sink;
    private final Sse sse;
    private final HttpServletResponse response;
    private final Completions.Ids ids;
    private final boolean includeUsage;
    private CompletableFuture<?> last = CompletableFuture.completedFuture(null);
    private volatile Usage usage;

    ChunkFrames(SseEventSink sink, Sse sse, HttpServletResponse response, Completions.Ids ids, boolean includeUsage) {
        this.sink = sink;
        this.sse = sse;
        this.response = response;
        this.ids = ids;
        this.includeUsage = includeUsage;
    }

    @Override
    public CompletionStage<?> started(Started started) {
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        response.setHeader(RequestIds.HEADER, started.requestId());
        response.setHeader("X-Session-Id", started.sessionId().toString());
        return send(chunk(JsonFormat.JSON.createObjectBuilder().add("role", "assistant").add("content", ""), null));
    }

    @Override
    public CompletionStage<?> token(int index, String text) {
        return send(chunk(JsonFormat.JSON.createObjectBuilder().add("content", text), null));
    }

    @Override
    public CompletionStage<?> usage(Usage settled) {
        usage = settled;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<?> finished(Finished finished) {
        send(chunk(JsonFormat.JSON.createObjectBuilder(), finished.finishReason()));
        if (includeUsage && usage != null) {
            send(data(ids.frame().add("choices", JsonFormat.JSON.createArrayBuilder())
                    .add("usage", Completions.usage(usage)).build().toString()));
        }
        return send(data("[DONE]"));
    }

    @Override
    public CompletionStage<?> failed(Failed failed) {
        Problem problem = Problem.of(failed.type(), failed.message(), ids.requestId());
        return send(data(OpenAiErrors.error(problem, failed.type(), failed.type().status()).toString()));
    }

    @Override
    public CompletionStage<?> heartbeat() {
        return send(sse.newEventBuilder().comment("heartbeat").build());
    }

    @Override
    public void close() {
        sink.close();
    }

    private OutboundSseEvent chunk(JsonObjectBuilder delta, String finishReason) {
        JsonObjectBuilder choice = JsonFormat.JSON.createObjectBuilder().add("index", 0).add("delta", delta);
        if (finishReason == null) {
            choice.addNull("finish_reason");
        } else {
            choice.add("finish_reason", finishReason);
        }
        return data(ids.frame().add("choices", JsonFormat.JSON.createArrayBuilder().add(choice)).build().toString());
    }

    private OutboundSseEvent data(String data) {
        return sse.newEventBuilder().mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, data).build();
    }

    private synchronized CompletableFuture<?> send(OutboundSseEvent event) {
        last = last.thenCompose(previous -> sink.isClosed()
                ? CompletableFuture.failedFuture(new IllegalStateException("client gone"))
                : sink.send(event).toCompletableFuture());
        return last;
    }
}
