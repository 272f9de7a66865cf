package dev.tollgate.llm;

import java.time.Duration;

/** The LLM service failed or could not be reached. */
public class LlmUnavailable extends LlmException {

    public LlmUnavailable(String message, Duration retryAfter) {
        super(message, retryAfter);
    }

    @Override
    public String code() {
        return "llm_unavailable";
    }

    @Override
    public int status() {
        return 503;
    }
}
