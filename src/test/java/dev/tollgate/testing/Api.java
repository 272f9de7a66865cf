package dev.tollgate.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Iterator;

/** A black-box HTTP client for Tollgate, as a frontend would use it. */
public final class Api {

    /** A finished SSE exchange: the HTTP answer and the events in arrival order. */
    public record Streamed(int status, HttpResponse<?> response, List<SseEvent> events, String body) {

        public List<SseEvent> named(String name) {
            return events.stream().filter(e -> e.name().equals(name)).toList();
        }

        public SseEvent only(String name) {
            List<SseEvent> found = named(name);
            if (found.size() != 1) {
                throw new AssertionError("expected one '" + name + "' event, got " + found.size() + " in " + events);
            }
            return found.get(0);
        }

        public JsonObject problem() {
            return parse(body);
        }

        /** The id Tollgate gave the request (X-Request-Id). */
        public String requestId() {
            return response.headers().firstValue("X-Request-Id").orElseThrow();
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Api() {
    }

    public static HttpRequest.Builder request(String path, String token) {
        return requestTo(TestEnv.baseUrl(), path, token);
    }

    public static HttpRequest.Builder requestTo(String server, String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server + path));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    public static HttpRequest.BodyPublisher json(Map<String, ?> fields) {
        return HttpRequest.BodyPublishers.ofString(Json.createObjectBuilder((Map<String, Object>) fields).build().toString());
    }

    /** POSTs a chat and reads the whole SSE answer, stamping each event as it arrives. */
    public static Streamed chatStream(String token, Map<String, ?> body) {
        return chatStream(token, body, Map.of());
    }

    /** A streamed chat with headers of the caller's own (an Idempotency-Key, say). */
    public static Streamed chatStream(String token, Map<String, ?> body, Map<String, String> headers) {
        return streamAt("/api/v1/chat/stream", token, body, headers);
    }

    /** POSTs to a streaming endpoint and reads the whole SSE answer, stamping each event as it arrives. */
    public static Streamed streamAt(String path, String token, Map<String, ?> body, Map<String, String> headers) {
        HttpRequest.Builder builder = request(path, token)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream");
        headers.forEach(builder::header);
        return read(builder.POST(json(body)).build());
    }

    /** GETs an event stream ({@code Last-Event-ID}, say, in the headers) and reads it to its end. */
    public static Streamed events(String path, String token, Map<String, String> headers) {
        HttpRequest.Builder builder = request(path, token).header("Accept", "text/event-stream");
        headers.forEach(builder::header);
        return read(builder.GET().build());
    }

    private static Streamed read(HttpRequest request) {
        try {
            HttpResponse<java.util.stream.Stream<String>> response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
            List<SseEvent> events = new ArrayList<>();
            StringBuilder raw = new StringBuilder();
            String name = "message";
            String id = null;
            StringBuilder data = new StringBuilder();
            for (Iterator<String> lines = response.body().iterator(); lines.hasNext(); ) {
                String line = lines.next();
                raw.append(line).append('\n');
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        events.add(new SseEvent(name, id, data.toString(), System.nanoTime()));
                    }
                    name = "message";
                    id = null;
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            }
            return new Streamed(response.statusCode(), response, events, raw.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POSTs JSON with a bearer token and returns the whole answer. */
    public static HttpResponse<String> postJson(String path, String token, Map<String, ?> body) {
        return send(request(path, token).header("Content-Type", "application/json").POST(json(body)).build());
    }

    public static HttpResponse<String> get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    /** Opens a streaming chat and hands back the raw line stream, for tests that hang up mid-answer. */
    public static HttpResponse<java.io.InputStream> openStream(String token, Map<String, ?> body) {
        return openStreamOn(TestEnv.baseUrl(), token, body);
    }

    public static HttpResponse<java.io.InputStream> openStreamOn(String server, String token, Map<String, ?> body) {
        return openStreamAt(server, "/api/v1/chat/stream", token, body);
    }

    public static HttpResponse<java.io.InputStream> openStreamAt(String server, String path, String token, Map<String, ?> body) {
        try {
            return HTTP.send(requestTo(server, path, token)
                    .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                    .POST(json(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonObject parse(String body) {
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }

    public static jakarta.json.JsonArray parseArray(String body) {
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readArray();
        }
    }
}
