package dev.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Chats;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.SseEvent;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The /openapi document against real answers: every property of every answer of the endpoints
 * called here is documented under the same name with the same JSON type, every error answer is
 * the documented problem, and the stream is documented as the events it sends.
 */
@ExtendWith(UsesSimulator.class)
class OpenApiIT {

    private static JsonObject document;

    @BeforeAll
    static void theDocument() {
        HttpResponse<String> answer = Api.get("/openapi?format=JSON", null);
        assertThat(answer.statusCode()).isEqualTo(200);
        document = Api.parse(answer.body());
    }

    private final List<String> checked = new ArrayList<>();

    private JsonObject resolve(JsonObject schema) {
        JsonObject resolved = schema;
        while (resolved.containsKey("$ref")) {
            String ref = resolved.getString("$ref");
            assertThat(ref).startsWith("#/components/");
            String[] parts = ref.substring(2).split("/");
            JsonObject target = document;
            for (String part : parts) {
                assertThat(target.containsKey(part)).as("%s is defined", ref).isTrue();
                target = target.getJsonObject(part);
            }
            resolved = target;
        }
        return resolved;
    }

    private static List<String> types(JsonObject schema) {
        JsonValue type = schema.get("type");
        if (type == null) {
            return List.of();
        }
        return type.getValueType() == JsonValue.ValueType.ARRAY
                ? type.asJsonArray().stream().map(t -> ((jakarta.json.JsonString) t).getString()).toList()
                : List.of(((jakarta.json.JsonString) type).getString());
    }

    /** The value fits the schema, property by property, down to the leaves. */
    private void conforms(JsonValue value, JsonObject schema, String where) {
        JsonObject s = resolve(schema);
        List<String> types = types(s);
        switch (value.getValueType()) {
            case OBJECT -> {
                assertThat(types).as("%s is documented as an object", where).contains("object");
                JsonObject properties = s.getJsonObject("properties");
                JsonObject object = value.asJsonObject();
                for (var field : object.entrySet()) {
                    if (properties != null && properties.containsKey(field.getKey())) {
                        conforms(field.getValue(), properties.getJsonObject(field.getKey()), where + "." + field.getKey());
                    } else {
                        assertThat(s.get("additionalProperties")).as("%s.%s is documented", where, field.getKey())
                                .isNotNull().isNotEqualTo(JsonValue.FALSE);
                    }
                }
            }
            case ARRAY -> {
                assertThat(types).as("%s is documented as an array", where).contains("array");
                JsonArray array = value.asJsonArray();
                for (int i = 0; i < array.size(); i++) {
                    conforms(array.get(i), s.getJsonObject("items"), where + "[" + i + "]");
                }
            }
            case STRING -> assertThat(types).as("%s is documented as a string", where).contains("string");
            case NUMBER -> assertThat(types).as("%s is documented as a number", where)
                    .containsAnyOf(((JsonNumber) value).isIntegral() ? "integer" : "number", "number");
            case TRUE, FALSE -> assertThat(types).as("%s is documented as a boolean", where).contains("boolean");
            case NULL -> { }
        }
        checked.add(where);
    }

    private JsonObject response(String method, String template, int status) {
        JsonObject operation = document.getJsonObject("paths").getJsonObject(template);
        assertThat(operation).as("%s is documented", template).isNotNull();
        operation = operation.getJsonObject(method.toLowerCase());
        assertThat(operation).as("%s %s is documented", method, template).isNotNull();
        JsonObject responses = operation.getJsonObject("responses");
        assertThat(responses.containsKey(String.valueOf(status))).as("%s %s documents %s", method, template, status).isTrue();
        return resolve(responses.getJsonObject(String.valueOf(status)));
    }

    /** Checks one real answer against the operation's documented answer for its status. */
    private void check(String method, String template, HttpResponse<String> answer) {
        String type = answer.headers().firstValue("Content-Type").orElse("").split(";")[0];
        JsonObject documented = response(method, template, answer.statusCode());
        if (answer.body().isEmpty()) {
            return;
        }
        JsonObject content = documented.getJsonObject("content");
        assertThat(content).as("%s %s %s has content", method, template, answer.statusCode()).isNotNull();
        assertThat(content.containsKey(type)).as("%s %s %s documents %s", method, template, answer.statusCode(), type).isTrue();
        conforms(value(answer.body()), content.getJsonObject(type).getJsonObject("schema"),
                method + " " + template + " " + answer.statusCode());
    }

    private static JsonValue value(String json) {
        try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(json))) {
            return reader.readValue();
        }
    }

    private static HttpResponse<String> send(String method, String path, String token, String json) {
        HttpRequest.Builder request = Api.request(path, token).header("Idempotency-Key", UUID.randomUUID().toString());
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return Api.send(request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static String sign(DevJwt who) {
        return Client.as(who).token();
    }

    @Test
    void everyPropertyOfEveryAnswerIsDocumentedWithItsNameAndType() {
        DevJwt alice = TestEnv.newUser();
        String user = sign(alice);
        String auditor = sign(TestEnv.newUser().company(alice.company()).roles(List.of("auditor")));
        String billing = sign(TestEnv.newUser().company(alice.company()).roles(List.of("billing_admin")));
        String admin = sign(TestEnv.newUser().company(alice.company()).roles(List.of("user", "company_admin")));

        HttpResponse<String> created = send("POST", "/api/v1/sessions", user, null);
        check("POST", "/api/v1/sessions", created);
        String session = Api.parse(created.body()).getString("session_id");
        check("POST", "/api/v1/chat", send("POST", "/api/v1/chat", user,
                "{\"query\":\"describe me [[sim tokens=3]]\",\"session_id\":\"" + session + "\"}"));
        check("GET", "/api/v1/sessions", Api.get("/api/v1/sessions", user));
        check("GET", "/api/v1/sessions/{id}", Api.get("/api/v1/sessions/" + session, user));
        check("GET", "/api/v1/sessions/{id}/messages", Api.get("/api/v1/sessions/" + session + "/messages", user));
        check("POST", "/api/v1/llm-tokens", send("POST", "/api/v1/llm-tokens", user,
                "{\"session_id\":\"" + session + "\",\"max_tokens\":5}"));
        check("GET", "/api/v1/credits", Api.get("/api/v1/credits", user));
        check("GET", "/api/v1/credits/ledger", Api.get("/api/v1/credits/ledger", user));
        check("GET", "/api/v1/audit/events", Api.get("/api/v1/audit/events", auditor));
        check("GET", "/api/v1/audit/reports/usage", Api.get("/api/v1/audit/reports/usage?group_by=model", auditor));
        check("GET", "/api/v1/audit/verify", Api.get("/api/v1/audit/verify", auditor));
        check("POST", "/api/v1/admin/credits/grants", send("POST", "/api/v1/admin/credits/grants", billing,
                "{\"company_id\":\"" + alice.company() + "\",\"credits\":10}"));
        check("GET", "/api/v1/admin/credits/check", Api.get("/api/v1/admin/credits/check?company_id=" + alice.company(), billing));
        check("GET", "/api/v1/admin/credits/reservations",
                Api.get("/api/v1/admin/credits/reservations?company_id=" + alice.company(), billing));
        check("POST", "/api/v1/admin/credits/reconciliation", send("POST", "/api/v1/admin/credits/reconciliation", billing, null));
        check("GET", "/api/v1/admin/credits/reconciliation", Api.get("/api/v1/admin/credits/reconciliation", billing));
        check("GET", "/api/v1/admin/rate-limits/{companyId}", Api.get("/api/v1/admin/rate-limits/" + alice.company(), billing));
        check("PUT", "/api/v1/admin/rate-limits/{companyId}", send("PUT", "/api/v1/admin/rate-limits/" + alice.company(),
                billing, "{\"user_max_streams\":40}"));
        check("PUT", "/api/v1/admin/credits/limits/{userId}", send("PUT", "/api/v1/admin/credits/limits/" + alice.subject(),
                admin, "{\"daily_credits\":500}"));
        check("GET", "/api/v1/admin/sessions", Api.get("/api/v1/admin/sessions", admin));
        HttpResponse<String> key = send("POST", "/api/v1/admin/api-keys", admin,
                "{\"service_user\":\"docs\",\"roles\":[\"user\"],\"models\":[\"sim-1\"],\"daily_credits\":9}");
        check("POST", "/api/v1/admin/api-keys", key);
        check("GET", "/api/v1/admin/api-keys", Api.get("/api/v1/admin/api-keys", admin));
        check("DELETE", "/api/v1/admin/api-keys/{id}", send("DELETE", "/api/v1/admin/api-keys/" + Api.parse(key.body()).getString("id"),
                admin, null));
        check("GET", "/api/v1/admin/api-keys", Api.get("/api/v1/admin/api-keys", admin));
        check("DELETE", "/api/v1/sessions/{id}", send("DELETE", "/api/v1/sessions/" + session, user, null));

        // error answers: the documented problem
        check("GET", "/api/v1/sessions/{id}", Api.get("/api/v1/sessions/" + UUID.randomUUID(), user));
        check("POST", "/api/v1/chat", send("POST", "/api/v1/chat", user, "{\"query\":1}"));
        check("GET", "/api/v1/credits", Api.get("/api/v1/credits", null));
        check("GET", "/api/v1/audit/events", Api.get("/api/v1/audit/events", user));

        assertThat(checked).as("properties checked").hasSizeGreaterThan(150)
                .contains("GET /api/v1/sessions 200.items[0].session_id", "GET /api/v1/credits 200.company_id",
                        "POST /api/v1/chat 400.errors[0].field");
    }

    @Test
    void theStreamIsDocumentedAsTheEventsItSends() {
        String user = Chats.token();
        Api.Streamed answer = Chats.stream(user, "stream me [[sim tokens=3]]");
        assertThat(answer.status()).isEqualTo(200);
        JsonObject documented = response("POST", "/api/v1/chat/stream", 200);
        JsonObject stream = documented.getJsonObject("content").getJsonObject("text/event-stream").getJsonObject("schema");
        Map<String, JsonObject> events = new java.util.HashMap<>();
        stream.getJsonArray("oneOf").forEach(one -> {
            JsonObject schema = resolve(one.asJsonObject());
            events.put(schema.getString("title"), schema);
        });
        assertThat(answer.events()).extracting(SseEvent::name).containsSubsequence("meta", "token", "usage", "done");
        for (SseEvent event : answer.events()) {
            assertThat(events).as("the '%s' event is documented", event.name()).containsKey(event.name());
            conforms(event.json(), events.get(event.name()), event.name());
        }
        assertThat(checked).contains("meta.session_id", "token.content", "usage.credits_charged", "done.finish_reason");
    }
}
