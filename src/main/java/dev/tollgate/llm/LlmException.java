package dev.tollgate.llm;

import java.time.Duration;

/** A failure of the LLM service, already classified at the client edge. */
public abstract class LlmException extends RuntimeException {

    private final Duration retryAfter;

    protected LlmException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** The advice to pass on to the client, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** A short, stable code for error events and audit records. */
    public abstract String code();

    /** The HTTP status the client gets when this happens before the first token. */
    public abstract int status();
}
