package dev.tollgate.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.simulator.LlmSimulator;
import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Chats;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.Simulator;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seed's error table before the first token: each failure of the LLM service gets its own
 * status, problem+json and retry advice, and costs the caller nothing. The test server runs
 * with a 3 s first-token timeout and a circuit that opens after 4 failures in a row.
 */
@ExtendWith(UsesSimulator.class)
class ChatFailuresIT {

    private final LlmSimulator sim = Simulator.get();

    /** Leaves the shared circuit closed: a failure test must not open it for the next one. */
    @BeforeEach
    void circuitClosed() {
        String token = Chats.token();
        await().atMost(Duration.ofSeconds(20)).until(() -> Chats.stream(token, "ping [[sim tokens=1]]").status() == 200);
    }

    private static void assertProblem(Api.Streamed answer, int status) {
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.response().headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(answer.problem().getInt("status")).isEqualTo(status);
        assertThat(answer.problem().getString("request_id")).isNotBlank();
    }

    private static long balance(DevJwt user) {
        return Client.as(user).balance();
    }

    private static boolean hasSessions(DevJwt user) {
        return !Client.as(user).read("/api/v1/sessions").getJsonArray("items").isEmpty();
    }

    @Test
    void noFirstTokenInTimeIs504WithRetryAdviceAndRefunded() {
        DevJwt user = TestEnv.newUser();
        Api.Streamed answer = Chats.stream(Client.as(user).token(), "slow [[sim ttft_ms=5000]]");

        assertProblem(answer, 504);
        assertThat(answer.response().headers().firstValue("Retry-After")).isPresent();
        assertThat(balance(user)).isEqualTo(1000);
        assertThat(Client.as(user).ledger()).extracting(entry -> entry.getString("kind"))
                .containsExactly("GRANT", "RESERVE", "RELEASE");
        assertThat(Client.as(user).reservations(null)).extracting(hold -> hold.getString("status"))
                .containsExactly("released");
        // and the upstream request was let go: the simulator's first writes (at 5 s) find the connection closed
        String requestId = answer.response().headers().firstValue("X-Request-Id").orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.cancelled().contains(requestId));
    }

    @Test
    void headersWithoutAnyEventAlsoTimeOut() {
        Api.Streamed answer = Chats.stream(Chats.token(), "stall [[sim fault=stall]]");
        assertProblem(answer, 504);
    }

    @Test
    void anOverloadedLlmServiceKeepsItsRetryAfter() {
        Api.Streamed answer = Chats.stream(Chats.token(), "busy [[sim fault=http429]]");
        assertProblem(answer, 429);
        assertThat(answer.response().headers().firstValue("Retry-After")).contains("7");
    }

    @Test
    void aCrashIsRetriedOnceBeforeAnyTokenThenAnswered503() {
        Api.Streamed answer = Chats.stream(Chats.token(), "crash [[sim fault=http500]]");

        assertProblem(answer, 503);
        String requestId = answer.response().headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(sim.seen()).filteredOn(s -> requestId.equals(s.requestId()) && s.path().equals("/chat/stream"))
                .hasSize(2);
    }

    @Test
    void repeatedCrashesOpenTheCircuitWhichFailsFastThenRecovers() {
        String token = Chats.token();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Api.Streamed answer = Chats.stream(token, "crash [[sim fault=http500]]");
            return answer.status() == 503 && answer.problem().getString("detail").contains("paused");
        });

        Api.Streamed fast = Chats.stream(token, "would work [[sim tokens=1]]");
        assertProblem(fast, 503);
        assertThat(fast.response().headers().firstValue("Retry-After")).contains("3");
        String requestId = fast.response().headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(sim.seen()).noneMatch(s -> requestId.equals(s.requestId()) && s.path().equals("/chat/stream"));

        // Half-open after the configured delay, then closed again by a success.
        await().atMost(Duration.ofSeconds(20)).until(() -> Chats.stream(token, "back [[sim tokens=1]]").status() == 200);
    }

    @Test
    void anEmptyPoolIs402WithTheNumbersAndTheLlmServiceIsNotCalled() {
        DevJwt user = TestEnv.newUser();
        String token = Client.as(user).token();
        String session = Chats.startSession(token);
        // Spend the rest of the pool the way the ledger would, keeping balance = sum of entries.
        long left = balance(user);
        Db.rows("update credit_account set balance = 0 where company_id = ? returning balance", user.company());
        Db.rows("insert into ledger_entry (company_id, kind, amount, idempotency_key, created_at) "
                + "values (?, 'DEBIT', ?, ?, now()) returning id", user.company(), -left, "test-spend:" + user.company());

        // on the session it has, so admitted in one statement (db/R__admission.sql); CreditsIT refuses a new session's
        Api.Streamed refused = Api.chatStream(token, Map.of("session_id", session, "query", "unpaid [[sim tokens=2]]"));

        assertProblem(refused, 402);
        assertThat(refused.problem().getJsonNumber("balance").longValue()).isZero();
        assertThat(refused.problem().getJsonNumber("required").longValue()).isPositive();
        assertThat(balance(user)).isZero();
        String requestId = refused.response().headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(Client.as(user).ledger()).noneMatch(entry -> requestId.equals(entry.getString("request_id", null)));
        assertThat(Db.rows("select 1 from stream_slot where company_id = ?", user.company())).isEmpty();
        assertThat(sim.seen()).noneMatch(s -> requestId.equals(s.requestId()) && s.path().equals("/chat/stream"));
    }

    @Test
    void aModelWithoutAPriceIsRefusedWith422AndStoresNothing() {
        DevJwt user = TestEnv.newUser();
        Api.Streamed refused = Api.chatStream(Client.as(user).token(), Map.of("query", "hi", "model", "gpt-free"));

        assertProblem(refused, 422);
        assertThat(refused.problem().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("model");
        assertThat(hasSessions(user)).isFalse();
    }

    @Test
    void invalidFiltersAre422WithFieldErrorsAndStoreNothing() {
        DevJwt user = TestEnv.newUser();
        Api.Streamed answer = Api.chatStream(Client.as(user).token(), Map.of("query", "find things",
                "filters", Map.of()));
        assertThat(answer.status()).isEqualTo(200); // an empty filter object is fine

        DevJwt other = TestEnv.newUser();
        var response = Api.send(Api.request("/api/v1/chat/stream", Client.as(other).token())
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"query\":\"find\",\"filters\":{\"year\":\"last\",\"colour\":\"red\",\"department\":\"legal\"}}"))
                .build());

        assertThat(response.statusCode()).isEqualTo(422);
        var problem = Api.parse(response.body());
        assertThat(problem.getJsonArray("errors").getValuesAs(jakarta.json.JsonObject.class))
                .extracting(e -> e.getString("field")).containsExactlyInAnyOrder("filters.year", "filters.colour");
        assertThat(hasSessions(other)).isFalse();
        assertThat(Db.rows("select company_id from credit_account where company_id = ?", other.company())).isEmpty();
    }
}
