package dev.tollgate.platform;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One client's event stream, for any front that streams: sends are chained so events never
 * overtake each other, and a send to a client that left fails, and so do the ones after it.
 * Event data is JSON the framer already wrote: as an object for JAX-RS to write, each event cost a
 * lookup of the JSON-B context and a serialization, per token.
 */
public final class SseOut {

    private final SseEventSink sink;
    private final Sse sse;
    private final HttpServletResponse response;
    private CompletableFuture<?> last = CompletableFuture.completedFuture(null);

    public SseOut(SseEventSink sink, Sse sse, HttpServletResponse response) {
        this.sink = sink;
        this.sse = sse;
        this.response = response;
    }

    /** The answer's headers; they go out with the first event, so they are set before it. */
    public void open(String requestId, UUID sessionId, String serverTiming) {
        response.setHeader("Server-Timing", serverTiming);
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no"); // tells nginx-style proxies not to buffer the stream
        response.setHeader(RequestIds.HEADER, requestId);
        response.setHeader("X-Session-Id", sessionId.toString());
    }

    /** An event of this name (null: none) and id (null: none) with this data. */
    public CompletableFuture<?> send(String name, String id, String data) {
        // the media type picks the writer only; SSE sends none
        OutboundSseEvent.Builder event = sse.newEventBuilder().mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, data);
        if (name != null) {
            event.name(name);
        }
        if (id != null) {
            event.id(id);
        }
        return send(event.build());
    }

    /** A comment line, which keeps idle proxies from closing a quiet stream. */
    public CompletableFuture<?> heartbeat() {
        return send(sse.newEventBuilder().comment("heartbeat").build());
    }

    public void close() {
        sink.close();
    }

    private synchronized CompletableFuture<?> send(OutboundSseEvent event) {
        last = last.thenCompose(previous -> sink.isClosed()
                ? CompletableFuture.failedFuture(new IllegalStateException("client gone"))
                : sink.send(event).toCompletableFuture());
        return last;
    }
}
