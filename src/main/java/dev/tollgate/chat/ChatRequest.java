package dev.tollgate.chat;

import dev.tollgate.turn.Ask;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.UUID;

/**
 * The body of a chat request. Without a session id a new session is opened. Filters are checked
 * against the configured schema ({@code tollgate.chat.filters}).
 */
public record ChatRequest(
        UUID sessionId,
        @NotBlank @ChatText String query,
        @Min(1) @Max(8192) Integer maxTokens,
        @Size(max = 100) @Pattern(regexp = "[A-Za-z0-9._:/-]+") String model,
        Map<String, Object> filters) {

    Ask ask() {
        return new Ask(sessionId, query, maxTokens, model, filters, null, null);
    }
}
