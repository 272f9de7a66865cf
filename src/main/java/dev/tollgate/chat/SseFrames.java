package dev.tollgate.chat;

import dev.tollgate.platform.JsonFormat;
import dev.tollgate.platform.SseOut;
import dev.tollgate.turn.TurnEvents;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A turn as Tollgate's Server-Sent Events (docs/streaming.md): meta (and a notice), tokens with
 * increasing ids, then usage and done, or an error.
 */
final class SseFrames implements TurnEvents {

    private final SseOut out;
    private volatile String requestId;
    private volatile UUID sessionId;

    SseFrames(SseOut out) {
        this.out = out;
    }

    @Override
    public CompletionStage<?> started(Started started) {
        requestId = started.requestId();
        sessionId = started.sessionId();
        out.open(requestId, sessionId, started.serverTiming());
        CompletionStage<?> meta = out.send("meta", null, json(new StreamEvents.Meta(requestId, sessionId)));
        return started.notice() == null ? meta : out.send("notice", null, json(started.notice()));
    }

    @Override
    public CompletionStage<?> token(int index, String text) {
        return out.send("token", String.valueOf(index), tokenJson(text));
    }

    /** Not sent: the native front asks for no tools, so no server makes tool calls for it. */
    @Override
    public CompletionStage<?> toolCalls(String json) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<?> usage(Usage usage) {
        return out.send("usage", null, json(usage));
    }

    @Override
    public CompletionStage<?> finished(Finished finished) {
        return out.send("done", null, json(new StreamEvents.Done(requestId, sessionId, finished.responseTimeMs(),
                finished.gatewayOverheadMs(), finished.finishReason())));
    }

    @Override
    public CompletionStage<?> failed(Failed failed) {
        Long retryAfter = failed.retryAfter() == null ? null : failed.retryAfter().toMillis();
        return out.send("error", null, json(new StreamEvents.Error(failed.type().code(), failed.message(), requestId,
                sessionId, retryAfter)));
    }

    @Override
    public CompletionStage<?> heartbeat() {
        return out.heartbeat();
    }

    @Override
    public void close() {
        out.close();
    }

    private static String json(Object data) {
        return JsonFormat.JSONB.toJson(data);
    }

    /** A token's data, {@link StreamEvents.Token} as JSON, written once per token by JSON-P's escaping. */
    static String tokenJson(String content) {
        return "{\"content\":" + JsonFormat.JSON.createValue(content) + "}";
    }
}
