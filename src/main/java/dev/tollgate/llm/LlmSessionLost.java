package dev.tollgate.llm;

import java.time.Duration;

/** The LLM service does not know this session. */
public class LlmSessionLost extends LlmException {

    public LlmSessionLost(String message, Duration retryAfter) {
        super(message, retryAfter);
    }

    @Override
    public String code() {
        return "llm_session_not_found";
    }

    @Override
    public int status() {
        return 502;
    }
}
