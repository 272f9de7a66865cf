package dev.tollgate.turn;

import dev.tollgate.audit.AuditEntry;
import dev.tollgate.credits.Charge;
import dev.tollgate.llm.ChatPrompt;

/**
 * What a turn's settlement needs to know of it, fixed once its first upstream event arrived.
 * {@code keepsConversation}: Tollgate keeps the session's conversation, so the question and the
 * answer are added to it when the turn settles. {@code route}: the server that answered, after
 * those that failed first (the audit row's target).
 */
record StartedTurn(String action, AuditEntry.Who who, Charge charge, ChatPrompt prompt, long startNanos,
                   long gatewayOverheadMs, long ttftMs, boolean keepsConversation, String route) {

    long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
