package dev.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Chats;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and hostile requests: each gets a 4xx problem+json with a request id, none a 500,
 * and none leaves anything behind (no session, no ledger entry for the caller's company).
 */
@ExtendWith(UsesSimulator.class)
class HostileInputIT {

    private static final String CHAT = "/api/v1/chat/stream";

    record Attempt(String path, String method, String contentType, String body, String headerName, String headerValue) {

        static Attempt post(String path, String body) {
            return new Attempt(path, "POST", "application/json", body, null, null);
        }

        Attempt withHeader(String name, String value) {
            return new Attempt(path, method, contentType, body, name, value);
        }

        Attempt as(String type) {
            return new Attempt(path, method, type, body, headerName, headerValue);
        }
    }

    static Stream<Arguments> attempts() {
        String big = "x".repeat(300_000);
        return Stream.of(
                Arguments.of("broken JSON", Attempt.post(CHAT, "{\"query\": \"hi"), 400),
                Arguments.of("not an object", Attempt.post(CHAT, "[1, 2, 3]"), 400),
                Arguments.of("empty body", Attempt.post(CHAT, ""), 400),
                Arguments.of("wrong type for max_tokens", Attempt.post(CHAT, "{\"query\":\"hi\",\"max_tokens\":\"many\"}"), 400),
                Arguments.of("object for the query", Attempt.post(CHAT, "{\"query\":{\"text\":\"hi\"}}"), 400),
                Arguments.of("unknown field", Attempt.post(CHAT, "{\"query\":\"hi\",\"temprature\":0.2}"), 400),
                Arguments.of("query too long", Attempt.post(CHAT, "{\"query\":\"" + "y".repeat(16_001) + "\"}"), 400),
                Arguments.of("blank query", Attempt.post(CHAT, "{\"query\":\"   \"}"), 400),
                Arguments.of("NUL in the query", Attempt.post(CHAT, "{\"query\":\"hi\\u0000there\"}"), 400),
                Arguments.of("escape sequence in the query", Attempt.post(CHAT, "{\"query\":\"\\u001b[2Jhi\"}"), 400),
                Arguments.of("max_tokens zero", Attempt.post(CHAT, "{\"query\":\"hi\",\"max_tokens\":0}"), 400),
                Arguments.of("max_tokens huge", Attempt.post(CHAT, "{\"query\":\"hi\",\"max_tokens\":99999999999}"), 400),
                Arguments.of("session id not a UUID", Attempt.post(CHAT, "{\"query\":\"hi\",\"session_id\":\"1' OR '1'='1\"}"), 400),
                Arguments.of("script as model", Attempt.post(CHAT, "{\"query\":\"hi\",\"model\":\"<script>alert(1)</script>\"}"), 400),
                Arguments.of("SQL as a filter key", Attempt.post(CHAT,
                        "{\"query\":\"hi\",\"filters\":{\"1; drop table ledger_entry; --\":\"x\"}}"), 422),
                Arguments.of("filter of the wrong type", Attempt.post(CHAT, "{\"query\":\"hi\",\"filters\":{\"year\":\"last\"}}"), 422),
                Arguments.of("oversized body", Attempt.post(CHAT, "{\"query\":\"" + big + "\"}"), 413),
                Arguments.of("huge header", Attempt.post(CHAT, "{\"query\":\"hi\"}").withHeader("X-Padding", "p".repeat(20_000)), 431),
                Arguments.of("not JSON at all", Attempt.post(CHAT, "query=hi").as("text/plain"), 415),
                Arguments.of("SQL in a session path", new Attempt("/api/v1/sessions/1'%20OR%201=1--", "GET", null, null, null, null), 404),
                Arguments.of("script in a session path", new Attempt("/api/v1/sessions/%3Cscript%3E", "DELETE", null, null, null, null), 404),
                Arguments.of("negative page size", new Attempt("/api/v1/sessions?limit=-5", "GET", null, null, null, null), 400),
                Arguments.of("forged cursor", new Attempt("/api/v1/sessions?cursor=%27%3B--", "GET", null, null, null, null), 400),
                Arguments.of("grant with a negative amount (as a user)", Attempt.post("/api/v1/admin/credits/grants",
                        "{\"company_id\":\"x\",\"credits\":-5}"), 403));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attempts")
    void refusedWithProblemJsonAndNothingStored(String what, Attempt attempt, int status) {
        DevJwt user = TestEnv.newUser();
        HttpRequest.Builder request = Api.request(attempt.path(), Client.as(user).token());
        if (attempt.contentType() != null) {
            request.header("Content-Type", attempt.contentType());
        }
        if (attempt.headerName() != null) {
            request.header(attempt.headerName(), attempt.headerValue());
        }
        request.method(attempt.method(), attempt.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(attempt.body()));
        HttpResponse<String> response = Api.send(request.build());

        assertThat(response.statusCode()).as(what).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).as(what)
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        var problem = Api.parse(response.body());
        assertThat(problem.getInt("status")).as(what).isEqualTo(status);
        assertThat(problem.getString("request_id")).as(what).isNotBlank();
        assertThat(Db.rows("select id from chat_session where user_id = ?", user.subject())).as(what).isEmpty();
        assertThat(Db.rows("select id from ledger_entry where company_id = ?", user.company())).as(what).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void headersBeyondLibertysOwnLimitAreStillRefusedWithoutA500() {
        HttpResponse<String> response = Api.send(Api.request(CHAT, Chats.token())
                .header("X-Padding", "p".repeat(40_000))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"hi\"}")).build());
        assertThat(response.statusCode()).isBetween(400, 499);
    }
}
