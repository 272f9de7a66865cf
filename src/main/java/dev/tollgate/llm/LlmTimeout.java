package dev.tollgate.llm;

import java.time.Duration;

/** The LLM service did not answer in time. */
public class LlmTimeout extends LlmException {

    public LlmTimeout(String message, Duration retryAfter) {
        super(message, retryAfter);
    }

    @Override
    public String code() {
        return "llm_timeout";
    }

    @Override
    public int status() {
        return 504;
    }
}
