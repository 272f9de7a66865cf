package dev.tollgate.turn;

import dev.tollgate.audit.AuditEntry;
import dev.tollgate.credits.Charge;
import dev.tollgate.llm.ChatPrompt;
import java.util.Locale;

/**
 * What a turn's settlement needs to know of it, fixed once its first upstream event arrived.
 * {@code keepsConversation}: Tollgate keeps the session's conversation, so the question and the
 * answer are added to it when the turn settles. {@code route}: the server that answered, after
 * those that failed first (the audit row's target).
 */
record StartedTurn(String action, AuditEntry.Who who, Charge charge, ChatPrompt prompt, long startNanos,
                   long admittedNanos, long firstEventNanos, boolean keepsConversation, String route) {

    long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Before the LLM service was called: the checks, the session and the credit hold. */
    long gatewayOverheadMs() {
        return (admittedNanos - startNanos) / 1_000_000;
    }

    /** From the turn's start to the LLM service's first event. */
    long ttftMs() {
        return (firstEventNanos - startNanos) / 1_000_000;
    }

    /**
     * The two parts of the wait for the first token that are Tollgate's to tell, as a W3C
     * Server-Timing header (milliseconds): its own work before the call, then the LLM service.
     */
    String serverTiming() {
        return String.format(Locale.ROOT, "admit;dur=%.3f, upstream;dur=%.3f",
                (admittedNanos - startNanos) / 1e6, (firstEventNanos - admittedNanos) / 1e6);
    }
}
