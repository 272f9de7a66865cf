package dev.tollgate.llm;

import java.time.Duration;

/** The LLM service is overloaded. */
public class LlmRateLimited extends LlmException {

    public LlmRateLimited(String message, Duration retryAfter) {
        super(message, retryAfter);
    }

    @Override
    public String code() {
        return "llm_rate_limited";
    }

    @Override
    public int status() {
        return 429;
    }
}
