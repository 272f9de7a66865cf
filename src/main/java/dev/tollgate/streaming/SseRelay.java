package dev.tollgate.streaming;

import dev.tollgate.llm.LlmException;
import dev.tollgate.llm.TokenSink;
import dev.tollgate.llm.TokenStream;
import dev.tollgate.llm.Usage;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes one answer to the client as it arrives: meta, tokens with increasing ids, usage, done
 * (or error). Sends are chained so events never overtake each other, and the upstream is asked for
 * the next token only once the previous one was written. No thread waits here between tokens.
 */
public final class SseRelay implements TokenSink {

    private final SseEventSink sink;
    private final Sse sse;
    private final String requestId;
    private final UUID sessionId;
    private final long startNanos;
    private final long gatewayOverheadMs;
    private final RelayListener listener;
    private final AtomicBoolean closed = new AtomicBoolean();
    private CompletableFuture<?> last = CompletableFuture.completedFuture(null);
    private TokenStream stream;
    private int delivered;
    private Usage usage;

    public SseRelay(SseEventSink sink, Sse sse, String requestId, UUID sessionId, long startNanos,
                    long gatewayOverheadMs, RelayListener listener) {
        this.sink = sink;
        this.sse = sse;
        this.requestId = requestId;
        this.sessionId = sessionId;
        this.startNanos = startNanos;
        this.gatewayOverheadMs = gatewayOverheadMs;
        this.listener = listener;
    }

    public void start(TokenStream upstream) {
        this.stream = upstream;
        send(event("meta", null, new StreamEvents.Meta(requestId, sessionId)));
        upstream.forwardTo(this);
    }

    @Override
    public CompletionStage<?> token(String content) {
        delivered++;
        return send(event("token", String.valueOf(delivered), new StreamEvents.Token(content)));
    }

    @Override
    public void usage(Usage reported) {
        this.usage = reported;
    }

    @Override
    public void complete() {
        Usage finalUsage = usage != null ? usage : new Usage(0, delivered);
        send(event("usage", null, listener.finished(finalUsage)));
        send(event("done", null, new StreamEvents.Done(requestId, sessionId, elapsedMs(), gatewayOverheadMs, "stop")))
                .whenComplete((ok, error) -> close(new RelayOutcome(RelayOutcome.COMPLETED, delivered, finalUsage)));
    }

    @Override
    public void fail(LlmException failure) {
        Long retryAfter = failure.retryAfter() == null ? null : failure.retryAfter().toMillis();
        send(event("error", null, new StreamEvents.Error(failure.code(),
                "The answer was interrupted: " + failure.getMessage(), requestId, sessionId, retryAfter)))
                .whenComplete((ok, error) -> close(new RelayOutcome(failure.code(), delivered, usage)));
    }

    private synchronized CompletableFuture<?> send(OutboundSseEvent event) {
        last = last.thenCompose(previous -> sink.isClosed()
                        ? CompletableFuture.failedFuture(new IllegalStateException("client gone"))
                        : sink.send(event).toCompletableFuture())
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        clientGone();
                    }
                });
        return last;
    }

    /** The client went away: stop the upstream now and settle what was delivered. */
    private void clientGone() {
        if (stream != null) {
            stream.cancel();
        }
        close(new RelayOutcome(RelayOutcome.CLIENT_DISCONNECTED, delivered, usage));
    }

    private void close(RelayOutcome outcome) {
        if (closed.compareAndSet(false, true)) {
            try {
                sink.close();
            } finally {
                listener.closed(outcome);
            }
        }
    }

    private OutboundSseEvent event(String name, String id, Object data) {
        OutboundSseEvent.Builder builder = sse.newEventBuilder().name(name)
                .mediaType(MediaType.APPLICATION_JSON_TYPE).data(data.getClass(), data);
        if (id != null) {
            builder.id(id);
        }
        return builder.build();
    }

    private long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
