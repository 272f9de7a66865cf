package dev.tollgate.streaming;

import dev.tollgate.llm.Usage;

/** What the chat use case hears from a relay. Each method is called at most once. */
public interface RelayListener {

    /** The answer arrived whole; returns what the client's usage event reports. */
    StreamEvents.UsageReport finished(Usage usage);

    /** The relay is over, however it ended. */
    void closed(RelayOutcome outcome);
}
