package dev.tollgate.streaming;

import dev.tollgate.llm.Usage;

/**
 * How a relay ended: {@code completed}, {@code client_disconnected} or an LLM error code.
 * {@code usage} is the LLM service's report when it sent one, else null.
 */
public record RelayOutcome(String status, int tokensDelivered, Usage usage) {

    public static final String COMPLETED = "completed";
    public static final String CLIENT_DISCONNECTED = "client_disconnected";

    public boolean completed() {
        return COMPLETED.equals(status);
    }
}
