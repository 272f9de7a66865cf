package dev.tollgate.chat;

import java.util.UUID;

/**
 * Payloads of the events the SSE front sends (docs/streaming.md). The notice and usage events
 * carry the turn's own {@link dev.tollgate.turn.TurnEvents.Notice} and {@link
 * dev.tollgate.turn.TurnEvents.Usage}.
 */
public final class StreamEvents {

    private StreamEvents() {
    }

    public record Meta(String requestId, UUID sessionId) {
    }

    public record Token(String content) {
    }

    public record Done(String requestId, UUID sessionId, long responseTimeMs, long gatewayOverheadMs, String finishReason) {
    }

    public record Error(String code, String message, String requestId, UUID sessionId, Long retryAfterMs) {
    }
}
