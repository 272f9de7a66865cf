package dev.tollgate.llm;

import java.time.Duration;

/** Every server of the model is at its stream limit now: nothing failed, there is no room yet. */
public class LlmBusy extends LlmUnavailable {

    public LlmBusy(String message, Duration retryAfter) {
        super(message, retryAfter);
    }
}
