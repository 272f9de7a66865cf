package dev.tollgate.streaming;

import java.util.UUID;

/** Payloads of the events Tollgate sends to clients (docs/streaming.md). */
public final class StreamEvents {

    private StreamEvents() {
    }

    public record Meta(String requestId, UUID sessionId) {
    }

    public record Notice(String code, String message) {
    }

    public record Token(String content) {
    }

    public record UsageReport(int promptTokens, int completionTokens, long creditsCharged, long balance) {
    }

    public record Done(String requestId, UUID sessionId, long responseTimeMs, long gatewayOverheadMs, String finishReason) {
    }

    public record Error(String code, String message, String requestId, UUID sessionId, Long retryAfterMs) {
    }
}
