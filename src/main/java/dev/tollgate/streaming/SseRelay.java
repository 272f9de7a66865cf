package dev.tollgate.streaming;

import dev.tollgate.llm.LlmException;
import dev.tollgate.llm.LlmTimeout;
import dev.tollgate.llm.LlmUnavailable;
import dev.tollgate.llm.TokenSink;
import dev.tollgate.llm.TokenStream;
import dev.tollgate.llm.Usage;
import dev.tollgate.platform.JsonFormat;
import dev.tollgate.platform.ProblemType;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes one answer to the client as it arrives: meta, tokens with increasing ids, usage, done
 * (or error). Sends are chained so events never overtake each other, and the upstream is asked for
 * the next token only once the previous one was written. No thread waits here between tokens.
 */
public final class SseRelay implements TokenSink, WatchedStream {

    /** Identifies the answer in every event that carries ids. */
    public record Ids(String requestId, UUID sessionId, long startNanos, long gatewayOverheadMs) {
    }

    private final SseEventSink sink;
    private final Sse sse;
    private final Ids ids;
    private final RelayListener listener;
    private final AtomicBoolean ending = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private CompletableFuture<?> last = CompletableFuture.completedFuture(null);
    private volatile TokenStream stream;
    private volatile long lastUpstreamNanos = System.nanoTime();
    private volatile long lastWriteNanos = System.nanoTime();
    private volatile int delivered;
    private volatile Usage usage;

    public SseRelay(SseEventSink sink, Sse sse, Ids ids, RelayListener listener) {
        this.sink = sink;
        this.sse = sse;
        this.ids = ids;
        this.listener = listener;
    }

    /** Sends meta (and a notice, if any), then relays the stream. */
    public void start(TokenStream upstream, StreamEvents.Notice notice) {
        this.stream = upstream;
        send(event("meta", null, new StreamEvents.Meta(ids.requestId(), ids.sessionId())));
        if (notice != null) {
            send(event("notice", null, notice));
        }
        upstream.forwardTo(this);
    }

    @Override
    public CompletionStage<?> token(String content) {
        lastUpstreamNanos = System.nanoTime();
        int id = ++delivered;
        return send(jsonEvent("token", String.valueOf(id), tokenJson(content)));
    }

    @Override
    public void usage(Usage reported) {
        lastUpstreamNanos = System.nanoTime();
        this.usage = reported;
    }

    @Override
    public void complete() {
        if (!ending.compareAndSet(false, true)) {
            return;
        }
        Usage finalUsage = usage != null ? usage : new Usage(0, delivered);
        listener.finished(finalUsage).whenComplete((report, failure) -> {
            if (report != null) {
                send(event("usage", null, report));
            }
            send(event("done", null, new StreamEvents.Done(ids.requestId(), ids.sessionId(), elapsedMs(),
                    ids.gatewayOverheadMs(), "stop")))
                    .whenComplete((ok, error) -> close(new RelayOutcome(RelayOutcome.COMPLETED, delivered, finalUsage)));
        });
    }

    @Override
    public void fail(LlmException failure) {
        endWithError(failure, failure.code());
    }

    @Override
    public void upstreamStalled() {
        cancelUpstream();
        endWithError(new LlmTimeout("The LLM service stopped sending tokens", Duration.ofSeconds(1)),
                ProblemType.LLM_TIMEOUT.code());
    }

    @Override
    public void serverShutdown() {
        cancelUpstream();
        endWithError(new LlmUnavailable("This server is shutting down; retry the request", Duration.ofSeconds(1)),
                ProblemType.SERVER_SHUTDOWN.code());
    }

    @Override
    public void heartbeat() {
        send(sse.newEventBuilder().comment("heartbeat").build());
    }

    @Override
    public long lastUpstreamNanos() {
        return lastUpstreamNanos;
    }

    @Override
    public long lastWriteNanos() {
        return lastWriteNanos;
    }

    private void endWithError(LlmException failure, String code) {
        if (!ending.compareAndSet(false, true)) {
            return;
        }
        Long retryAfter = failure.retryAfter() == null ? null : failure.retryAfter().toMillis();
        send(event("error", null, new StreamEvents.Error(code, failure.getMessage(), ids.requestId(),
                ids.sessionId(), retryAfter)))
                .whenComplete((ok, error) -> close(new RelayOutcome(code, delivered, usage)));
    }

    private synchronized CompletableFuture<?> send(OutboundSseEvent event) {
        last = last.thenCompose(previous -> sink.isClosed()
                        ? CompletableFuture.failedFuture(new IllegalStateException("client gone"))
                        : sink.send(event).toCompletableFuture())
                .whenComplete((ok, error) -> {
                    if (error == null) {
                        lastWriteNanos = System.nanoTime();
                    } else {
                        clientGone();
                    }
                });
        return last;
    }

    /** The client went away: stop the upstream now and settle what was delivered. */
    private void clientGone() {
        ending.set(true);
        cancelUpstream();
        close(new RelayOutcome(RelayOutcome.CLIENT_DISCONNECTED, delivered, usage));
    }

    private void cancelUpstream() {
        TokenStream upstream = stream;
        if (upstream != null) {
            upstream.cancel();
        }
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

    private long elapsedMs() {
        return (System.nanoTime() - ids.startNanos()) / 1_000_000;
    }
}
