package dev.tollgate.llm;

import dev.tollgate.platform.ProblemType;
import java.time.Duration;

/** The LLM service does not know this session. */
public class LlmSessionLost extends LlmException {

    public LlmSessionLost(String message, Duration retryAfter) {
        super(message, retryAfter);
    }

    @Override
    public ProblemType type() {
        return ProblemType.LLM_SESSION_NOT_FOUND;
    }
}
