package dev.tollgate.streaming;

import dev.tollgate.llm.Usage;
import java.util.concurrent.CompletionStage;

/** What the chat use case hears from a relay. Each method is called at most once. */
public interface RelayListener {

    /**
     * The answer arrived whole; completes with what the client's usage event reports. It may
     * need the database, so it must not hold the thread that relays tokens.
     */
    CompletionStage<StreamEvents.UsageReport> finished(Usage usage);

    /** The relay is over, however it ended. */
    void closed(RelayOutcome outcome);
}
