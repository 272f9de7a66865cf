package dev.tollgate.llm;

import dev.tollgate.platform.ProblemType;
import java.time.Duration;

/** The LLM service is overloaded. */
public class LlmRateLimited extends LlmException {

    public LlmRateLimited(String message, Duration retryAfter) {
        super(message, retryAfter);
    }

    @Override
    public ProblemType type() {
        return ProblemType.LLM_RATE_LIMITED;
    }
}
