package dev.tollgate.llm;

import dev.tollgate.platform.ProblemType;
import java.time.Duration;

/** A failure of the LLM service, already classified at the client edge. */
public abstract class LlmException extends RuntimeException {

    private final Duration retryAfter;
    private volatile String tries;

    protected LlmException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** The advice to pass on to the client, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** The servers the turn tried before it gave up, and how each failed (for the audit row), or null. */
    public String tries() {
        return tries;
    }

    LlmException tried(String onServers) {
        this.tries = onServers;
        return this;
    }

    /** What kind of failure this is, in the one vocabulary of errors. */
    public abstract ProblemType type();

    /** A short, stable code for error events and audit records. */
    public String code() {
        return type().code();
    }

    /** The HTTP status the client gets when this happens before the first token. */
    public int status() {
        return type().status();
    }
}
