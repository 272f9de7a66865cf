package dev.tollgate.chat;

import dev.tollgate.turn.TurnEvents;
import java.util.UUID;

/** The whole answer of POST /api/v1/chat. */
public record ChatAnswer(String requestId, UUID sessionId, String content, TurnEvents.Usage usage,
                         String finishReason, long responseTimeMs, long gatewayOverheadMs, TurnEvents.Notice notice) {
}
