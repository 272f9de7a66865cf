package dev.tollgate.chat;

import dev.tollgate.streaming.StreamEvents;
import java.util.UUID;

/** The whole answer of POST /api/v1/chat. */
public record ChatAnswer(String requestId, UUID sessionId, String content, StreamEvents.UsageReport usage,
                         String finishReason, long responseTimeMs, long gatewayOverheadMs, StreamEvents.Notice notice) {
}
