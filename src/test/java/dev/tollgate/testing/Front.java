package dev.tollgate.testing;

import jakarta.json.JsonObject;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A front a client can ask a chat turn through: Tollgate's own stream, or the OpenAI-compatible
 * one. The rules of a turn (credits, limits, idempotency, audit) are the same on both, so the tests
 * of those rules take each front and differ only in how they ask and read.
 */
public enum Front {
    NATIVE("/api/v1/chat/stream", "chat.stream"),
    OPENAI("/v1/chat/completions", "chat.completions");

    public final String path;
    /** The action its turns are audited under. */
    public final String action;

    Front(String path, String action) {
        this.path = path;
        this.action = action;
    }

    /** The body that asks {@code query} on this front. */
    public Map<String, ?> body(String query) {
        return this == NATIVE ? Map.of("query", query)
                : Map.of("model", "sim-1", "stream", true, "messages", List.of(Map.of("role", "user", "content", query)));
    }

    public Api.Streamed stream(String token, String query) {
        return stream(token, query, Map.of());
    }

    public Api.Streamed stream(String token, String query, Map<String, String> headers) {
        return Api.streamAt(path, token, body(query), headers);
    }

    /** The answer as a stream of lines, for tests that hang up midway. */
    public HttpResponse<InputStream> open(String token, String query) {
        return Api.openStreamAt(TestEnv.baseUrl(), path, token, body(query));
    }

    /** Whether a line of the raw stream carries a token. */
    public boolean isToken(String line) {
        return this == NATIVE ? line.equals("event: token") : line.startsWith("data: {") && line.contains("\"content\"");
    }

    /** The streamed text. */
    public String text(Api.Streamed answer) {
        if (this == NATIVE) {
            return Chats.text(answer);
        }
        return answer.events().stream().filter(event -> event.data().startsWith("{"))
                .map(event -> Api.parse(event.data()).getJsonArray("choices"))
                .filter(choices -> !choices.isEmpty())
                .map(choices -> choices.getJsonObject(0).getJsonObject("delta").getString("content", ""))
                .collect(Collectors.joining());
    }

    /** The error code of a refusal, in this front's own shape (problem+json's type, OpenAI's error.code). */
    public String code(Api.Streamed refused) {
        JsonObject body = refused.problem();
        if (this == OPENAI) {
            return body.getJsonObject("error").getString("code");
        }
        String type = body.getString("type");
        return type.substring(type.lastIndexOf('/') + 1).replace('-', '_');
    }
}
