package dev.tollgate.chat;

import dev.tollgate.platform.JsonFormat;
import dev.tollgate.platform.RequestIds;
import dev.tollgate.turn.TurnEvents;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A turn as Server-Sent Events (docs/streaming.md): meta (and a notice), tokens with increasing
 * ids, then usage and done, or an error. Sends are chained so events never overtake each other;
 * a send to a client that left fails, and so do the ones after it.
 */
final class SseFrames implements TurnEvents {

    private final SseEventSink sink;
    private final Sse sse;
    private final HttpServletResponse response;
    private CompletableFuture<?> last = CompletableFuture.completedFuture(null);
    private volatile String requestId;
    private volatile UUID sessionId;

    SseFrames(SseEventSink sink, Sse sse, HttpServletResponse response) {
        this.sink = sink;
        this.sse = sse;
        this.response = response;
    }

    /** The headers go out with the first event, so they are set before it. */
    @Override
    public CompletionStage<?> started(Started started) {
        requestId = started.requestId();
        sessionId = started.sessionId();
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no"); // tells nginx-style proxies not to buffer the stream
        response.setHeader(RequestIds.HEADER, requestId);
        response.setHeader("X-Session-Id", sessionId.toString());
        CompletionStage<?> meta = send(event("meta", null, new StreamEvents.Meta(requestId, sessionId)));
        return started.notice() == null ? meta : send(event("notice", null, started.notice()));
    }

    @Override
    public CompletionStage<?> token(int index, String text) {
        return send(jsonEvent("token", String.valueOf(index), tokenJson(text)));
    }

    @Override
    public CompletionStage<?> usage(Usage usage) {
        return send(event("usage", null, usage));
    }

    @Override
    public CompletionStage<?> finished(Finished finished) {
        return send(event("done", null, new StreamEvents.Done(requestId, sessionId, finished.responseTimeMs(),
                finished.gatewayOverheadMs(), finished.finishReason())));
    }

    @Override
    public CompletionStage<?> failed(Failed failed) {
        Long retryAfter = failed.retryAfter() == null ? null : failed.retryAfter().toMillis();
        return send(event("error", null, new StreamEvents.Error(failed.type().code(), failed.message(), requestId,
                sessionId, retryAfter)));
    }

    @Override
    public CompletionStage<?> heartbeat() {
        return send(sse.newEventBuilder().comment("heartbeat").build());
    }

    @Override
    public void close() {
        sink.close();
    }

    private synchronized CompletableFuture<?> send(OutboundSseEvent event) {
        last = last.thenCompose(previous -> sink.isClosed()
                ? CompletableFuture.failedFuture(new IllegalStateException("client gone"))
                : sink.send(event).toCompletableFuture());
        return last;
    }

    private OutboundSseEvent event(String name, String id, Object data) {
        return jsonEvent(name, id, JsonFormat.JSONB.toJson(data));
    }

    /**
     * The event with its JSON already written. As an object for JAX-RS to write, each event
     * cost a lookup of the JSON-B context and a JSON-B serialization, per token. The media type
     * picks the writer only; SSE sends none.
     */
    private OutboundSseEvent jsonEvent(String name, String id, String json) {
        OutboundSseEvent.Builder builder = sse.newEventBuilder().name(name)
                .mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, json);
        if (id != null) {
            builder.id(id);
        }
        return builder.build();
    }

    /** A token's data, {@link StreamEvents.Token} as JSON, written once per token by JSON-P's escaping. */
    static String tokenJson(String content) {
        return "{\"content\":" + JsonFormat.JSON.createValue(content) + "}";
    }
}
