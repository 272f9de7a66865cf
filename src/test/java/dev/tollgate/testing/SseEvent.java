package dev.tollgate.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;

/** One server-sent event as a test client received it, with its arrival time. */
public record SseEvent(String name, String id, String data, long arrivedNanos) {

    public JsonObject json() {
        try (var reader = Json.createReader(new StringReader(data))) {
            return reader.readObject();
        }
    }
}
