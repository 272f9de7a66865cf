package dev.tollgate.llm;

/**
 * An answer that has started: its first event has arrived, the rest follows once a sink is
 * attached. Nothing holds a thread while it waits for tokens.
 */
public interface TokenStream {

    void forwardTo(TokenSink sink);

    /** Stops the upstream request, e.g. when the client went away. Idempotent. */
    void cancel();
}
