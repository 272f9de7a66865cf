package dev.tollgate.llm;

import dev.tollgate.platform.ProblemType;
import java.time.Duration;

/** The LLM service failed or could not be reached. */
public class LlmUnavailable extends LlmException {

    public LlmUnavailable(String message, Duration retryAfter) {
        super(message, retryAfter);
    }

    @Override
    public ProblemType type() {
        return ProblemType.LLM_UNAVAILABLE;
    }
}
