package dev.tollgate.openai;

import jakarta.annotation.Priority;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * OpenAI's clients ask for a stream with {@code "stream": true} in the body, whatever their
 * {@code Accept} says: this lets the body choose between the streamed and the whole answer, by
 * setting {@code Accept} before the method is matched. The body is read here and put back as it
 * was; one that is not JSON goes on to the whole answer's method, which refuses it.
 */
@Provider
@PreMatching
@Priority(Priorities.USER + 20) // after RequestLimits has bounded the body
public class StreamChoice implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        if (!"POST".equals(request.getMethod()) || !OpenAiErrors.path(request).equals("v1/chat/completions")
                || !request.hasEntity()) {
            return;
        }
        byte[] body;
        try {
            body = request.getEntityStream().readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        request.setEntityStream(new ByteArrayInputStream(body));
        request.getHeaders().putSingle(HttpHeaders.ACCEPT, streamed(body) ? MediaType.SERVER_SENT_EVENTS
                : MediaType.APPLICATION_JSON);
    }

    private static boolean streamed(byte[] body) {
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(body))) {
            JsonValue value = reader.readValue();
            return value instanceof JsonObject object && object.get("stream") == JsonValue.TRUE;
        } catch (RuntimeException notJson) {
            return false;
        }
    }
}
