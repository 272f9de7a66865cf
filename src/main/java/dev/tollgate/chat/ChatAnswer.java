package dev.tollgate.chat;

import dev.tollgate.turn.TurnEvents;
import dev.tollgate.turn.WholeAnswer;
import java.util.UUID;

/** The whole answer of POST /api/v1/chat. */
public record ChatAnswer(String requestId, UUID sessionId, String content, TurnEvents.Usage usage,
                         String finishReason, long responseTimeMs, long gatewayOverheadMs, TurnEvents.Notice notice) {

    static ChatAnswer of(WholeAnswer.Outcome whole) {
        return new ChatAnswer(whole.started().requestId(), whole.started().sessionId(), whole.content(), whole.usage(),
                whole.finished().finishReason(), whole.finished().responseTimeMs(), whole.finished().gatewayOverheadMs(),
                whole.started().notice());
    }
}
