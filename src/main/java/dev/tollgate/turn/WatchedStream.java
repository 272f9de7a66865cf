package dev.tollgate.turn;

/** An open answer that {@link OpenStreams} keeps alive, times out and ends on shutdown. */
public interface WatchedStream {

    /** System.nanoTime() of the last event from the LLM service. */
    long lastUpstreamNanos();

    /** System.nanoTime() of the last write to the client. */
    long lastWriteNanos();

    /** Write a comment so idle proxies keep the connection. */
    void heartbeat();

    /** The LLM service has been silent too long: end with a timeout. */
    void upstreamStalled();

    /** The server is stopping: tell the client to come back, then end. */
    void serverShutdown();
}
