package dev.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.Webhooks;
import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every field of every request body, sent with values of the wrong JSON type: each is a 400
 * problem+json naming the field, and nothing is stored or charged (what the API shows of the
 * caller's data is the same before and after).
 */
@ExtendWith(UsesSimulator.class)
class WrongJsonTypesIT {

    private static final String SECRET = System.getProperty("tollgate.webhook.secret");

    enum Kind {
        STRING("123", "true", "[]", "{}"),
        INTEGER("\"5\"", "true", "1.5", "[]", "{}"),
        OBJECT("\"x\"", "7", "[]", "false"),
        ARRAY("\"x\"", "7", "{}", "true");

        final List<String> wrong;

        Kind(String... wrong) {
            this.wrong = List.of(wrong);
        }
    }

    /** One request body: where it goes, a valid example, its fields' kinds, and what it would change. */
    record Body(String name, String method, String path, String token, JsonObject valid, Map<String, Kind> fields,
                Function<String, HttpRequest.Builder> signer, java.util.function.Supplier<String> state) {

        HttpResponse<String> send(String body) {
            HttpRequest.Builder request = signer != null ? signer.apply(body) : Api.request(path, token);
            return Api.send(request.header("Content-Type", "application/json")
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .method(method, HttpRequest.BodyPublishers.ofString(body)).build());
        }
    }

    private static String sign(DevJwt user) {
        return Client.as(user).token();
    }

    private static String read(String path, String token) {
        HttpResponse<String> response = Api.get(path, token);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    /** A fresh user of a fresh company, its admins, a session, and what the API shows of their data. */
    record Fixture(DevJwt user, String token, String billing, String admin, String session) {

        static Fixture fresh() {
            DevJwt user = TestEnv.newUser();
            String token = sign(user);
            HttpResponse<String> opened = Api.send(Api.request("/api/v1/sessions", token)
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(opened.statusCode()).as(opened.body()).isEqualTo(201);
            return new Fixture(user, token, sign(TestEnv.newUser().company(user.company()).roles(List.of("billing_admin"))),
                    sign(TestEnv.newUser().company(user.company()).roles(List.of("user", "company_admin"))),
                    Api.parse(opened.body()).getString("session_id"));
        }

        String userState() {
            return read("/api/v1/credits", token).replaceAll("\"request_id\":\"[^\"]*\"", "")
                    + read("/api/v1/credits/ledger", token)
                    + read("/api/v1/sessions", token).replaceAll("\"last_activity_at\":\"[^\"]*\"", "");
        }

        String companyState() {
            return read("/api/v1/admin/credits/check?company_id=" + user.company(), billing)
                    + read("/api/v1/admin/credits/reservations?company_id=" + user.company(), billing)
                    + read("/api/v1/admin/rate-limits/" + user.company(), billing);
        }

        String everything() {
            return userState() + companyState();
        }

        String keys() {
            return read("/api/v1/admin/api-keys", admin);
        }

        JsonObject chat() {
            return Json.createObjectBuilder().add("query", "hello [[sim tokens=1]]").add("session_id", session)
                    .add("max_tokens", 5).add("model", "sim-1").add("filters", Json.createObjectBuilder().add("year", 2020))
                    .build();
        }
    }

    private static final Map<String, Kind> CHAT_FIELDS = Map.of("query", Kind.STRING, "session_id", Kind.STRING,
            "max_tokens", Kind.INTEGER, "model", Kind.STRING, "filters", Kind.OBJECT);

    static Stream<Body> bodies() {
        Fixture stream = Fixture.fresh();
        Fixture chat = Fixture.fresh();
        Fixture token = Fixture.fresh();
        Fixture grant = Fixture.fresh();
        Fixture limits = Fixture.fresh();
        Fixture rates = Fixture.fresh();
        Fixture usage = Fixture.fresh();
        Fixture keys = Fixture.fresh();
        Function<String, HttpRequest.Builder> webhook = body -> {
            long now = Instant.now().getEpochSecond();
            return Api.request("/api/v1/webhooks/usage", null).header("X-Tollgate-Timestamp", String.valueOf(now))
                    .header("X-Tollgate-Signature", Webhooks.signature(SECRET, now, body));
        };
        return Stream.of(
                new Body("chat stream", "POST", "/api/v1/chat/stream", stream.token(), stream.chat(), CHAT_FIELDS, null,
                        stream::everything),
                new Body("chat", "POST", "/api/v1/chat", chat.token(), chat.chat(), CHAT_FIELDS, null, chat::everything),
                new Body("LLM token", "POST", "/api/v1/llm-tokens", token.token(),
                        Json.createObjectBuilder().add("session_id", token.session()).add("max_tokens", 5).add("model", "sim-1").build(),
                        Map.of("session_id", Kind.STRING, "max_tokens", Kind.INTEGER, "model", Kind.STRING), null,
                        token::everything),
                new Body("grant", "POST", "/api/v1/admin/credits/grants", grant.billing(),
                        Json.createObjectBuilder().add("company_id", grant.user().company()).add("credits", 5).build(),
                        Map.of("company_id", Kind.STRING, "credits", Kind.INTEGER), null, grant::companyState),
                new Body("spending limits", "PUT", "/api/v1/admin/credits/limits/" + limits.user().subject(), limits.admin(),
                        Json.createObjectBuilder().add("daily_credits", 5).add("monthly_credits", 50).build(),
                        Map.of("daily_credits", Kind.INTEGER, "monthly_credits", Kind.INTEGER), null, limits::userState),
                new Body("rate limits", "PUT", "/api/v1/admin/rate-limits/" + rates.user().company(), rates.billing(),
                        Json.createObjectBuilder().add("company_requests_per_minute", 5).add("company_max_streams", 5)
                                .add("user_requests_per_minute", 5).add("user_max_streams", 5).build(),
                        Map.of("company_requests_per_minute", Kind.INTEGER, "company_max_streams", Kind.INTEGER,
                                "user_requests_per_minute", Kind.INTEGER, "user_max_streams", Kind.INTEGER), null,
                        rates::companyState),
                new Body("API key", "POST", "/api/v1/admin/api-keys", keys.admin(),
                        Json.createObjectBuilder().add("service_user", "svc").add("roles", Json.createArrayBuilder().add("user"))
                                .add("expires_at", java.time.Instant.now().plus(java.time.Duration.ofDays(30)).toString()).add("models", Json.createArrayBuilder().add("sim-1"))
                                .add("daily_credits", 5).add("monthly_credits", 50).build(),
                        Map.of("service_user", Kind.STRING, "roles", Kind.ARRAY, "expires_at", Kind.STRING,
                                "models", Kind.ARRAY, "daily_credits", Kind.INTEGER, "monthly_credits", Kind.INTEGER), null,
                        keys::keys),
                new Body("usage webhook", "POST", "/api/v1/webhooks/usage", null,
                        Json.createObjectBuilder().add("event_id", "evt-" + UUID.randomUUID()).add("company_id", usage.user().company())
                                .add("user_id", usage.user().subject()).add("request_id", "req-" + UUID.randomUUID())
                                .add("model", "sim-1").add("prompt_tokens", 10).add("completion_tokens", 20).build(),
                        Map.of("event_id", Kind.STRING, "company_id", Kind.STRING, "user_id", Kind.STRING,
                                "request_id", Kind.STRING, "model", Kind.STRING, "prompt_tokens", Kind.INTEGER,
                                "completion_tokens", Kind.INTEGER), webhook, usage::companyState));
    }

    static Stream<Arguments> everyBody() {
        return bodies().map(body -> Arguments.of(body.name(), body));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBody")
    void everyFieldOfTheWrongJsonTypeIs400NamingItAndChangesNothing(String name, Body body) {
        String before = body.state().get();
        List<String> tried = new ArrayList<>();
        body.fields().forEach((field, kind) -> {
            for (String wrong : kind.wrong) {
                String sent = Json.createObjectBuilder(body.valid()).add(field, parse(wrong)).build().toString();
                HttpResponse<String> answer = body.send(sent);
                String what = name + " with " + field + " = " + wrong + ": " + answer.body();
                assertThat(answer.statusCode()).as(what).isEqualTo(400);
                assertThat(answer.headers().firstValue("Content-Type")).as(what).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
                JsonObject problem = Api.parse(answer.body());
                assertThat(problem.getString("request_id", "")).as(what).isNotBlank();
                assertThat(problem.getJsonArray("errors")).as(what).isNotNull();
                assertThat(problem.getJsonArray("errors").stream().map(e -> e.asJsonObject().getString("field")))
                        .as(what).contains(field);
                tried.add(field + "=" + wrong);
            }
        });
        assertThat(tried).hasSizeGreaterThanOrEqualTo(body.fields().size() * 3);
        assertThat(body.state().get()).as("what the API shows after the refusals").isEqualTo(before);
        HttpResponse<String> accepted = body.send(body.valid().toString());
        assertThat(accepted.statusCode()).as("the valid body: " + accepted.body()).isBetween(200, 299);
    }

    private static JsonValue parse(String json) {
        try (var reader = Json.createReader(new java.io.StringReader(json))) {
            return reader.readValue();
        }
    }
}
