package dev.tollgate.chat;

import dev.tollgate.audit.AuditEntry;
import dev.tollgate.auth.Caller;
import dev.tollgate.credits.Charge;
import dev.tollgate.llm.ChatPrompt;
import dev.tollgate.llm.TokenStream;
import dev.tollgate.streaming.OpenStreams;
import dev.tollgate.streaming.StreamEvents;
import java.util.UUID;

/** A chat turn whose first upstream event has arrived: everything its relay and settlement need. */
record StartedTurn(String action, Caller caller, AuditEntry.Who who, UUID sessionId, ChatPrompt prompt, Charge charge,
                   TokenStream stream, StreamEvents.Notice notice, long startNanos, long gatewayOverheadMs, long ttftMs,
                   OpenStreams.Admission admission) {

    long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
