package dev.tollgate.llm.client;

import jakarta.json.bind.annotation.JsonbProperty;

/** Wire records of the session calls; the LLM service speaks snake_case. */
public final class SessionWire {

    private SessionWire() {
    }

    public record NewSession(@JsonbProperty("user_id") String userId, @JsonbProperty("company_id") String companyId) {
    }

    public record Message(String role, String content, @JsonbProperty("created_at") String createdAt) {
    }

    public record History(@JsonbProperty("session_id") String sessionId, java.util.List<Message> messages) {
    }

    public record Created(@JsonbProperty("session_id") String sessionId, @JsonbProperty("created_at") String createdAt) {
    }
}
