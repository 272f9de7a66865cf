package dev.tollgate.llm;

import dev.tollgate.platform.ProblemType;
import java.time.Duration;

/** The LLM service did not answer in time. */
public class LlmTimeout extends LlmException {

    public LlmTimeout(String message, Duration retryAfter) {
        super(message, retryAfter);
    }

    @Override
    public ProblemType type() {
        return ProblemType.LLM_TIMEOUT;
    }
}
