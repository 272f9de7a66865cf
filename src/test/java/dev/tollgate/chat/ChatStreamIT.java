package dev.tollgate.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.simulator.LlmSimulator;
import dev.tollgate.testing.Api;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.SseEvent;
import dev.tollgate.testing.Simulator;
import dev.tollgate.testing.TestEnv;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The thin chat path end to end: JWT -> session -> credits -> simulator over HTTP -> SSE -> records. */
@org.junit.jupiter.api.extension.ExtendWith(dev.tollgate.testing.UsesSimulator.class)
class ChatStreamIT {

    static LlmSimulator sim;

    @BeforeAll
    static void simulator() {
        sim = Simulator.get();
    }

    @Test
    void tokensArriveOneByOneAndEndWithUsageAndDone() {
        DevJwt user = TestEnv.newUser();
        Api.Streamed answer = Api.chatStream(user.sign(TestEnv.keysDir()),
                Map.of("query", "Tell me about gateways [[sim tokens=6 delay_ms=150]]"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.response().headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(answer.response().headers().firstValue("Cache-Control")).contains("no-cache");
        assertThat(answer.response().headers().firstValue("X-Accel-Buffering")).contains("no");

        List<String> names = answer.events().stream().map(SseEvent::name).toList();
        assertThat(names).containsExactly("meta", "token", "token", "token", "token", "token", "token", "usage", "done");
        List<SseEvent> tokens = answer.named("token");
        assertThat(tokens).extracting(SseEvent::id).containsExactly("1", "2", "3", "4", "5", "6");
        // Relayed as they come: 5 gaps of 150 ms upstream must still be visible at the client.
        long spreadMs = (tokens.get(5).arrivedNanos() - tokens.get(0).arrivedNanos()) / 1_000_000;
        assertThat(spreadMs).isGreaterThanOrEqualTo(500);

        JsonObject usage = answer.only("usage").json();
        assertThat(usage.getInt("completion_tokens")).isEqualTo(6);
        // The simulator counts a prompt token per whitespace-separated word: 7 here.
        assertThat(usage.getInt("prompt_tokens")).isEqualTo(7);
        assertThat(usage.getJsonNumber("credits_charged").longValue()).isEqualTo(1);
        assertThat(usage.getJsonNumber("balance").longValue()).isEqualTo(999);

        JsonObject meta = answer.only("meta").json();
        JsonObject done = answer.only("done").json();
        assertThat(done.getString("request_id")).isEqualTo(meta.getString("request_id"));
        assertThat(done.getString("session_id")).isEqualTo(meta.getString("session_id"));
        assertThat(done.getString("finish_reason")).isEqualTo("stop");
        assertThat(done.getJsonNumber("response_time_ms").longValue()).isGreaterThanOrEqualTo(spreadMs);
        assertThat(answer.response().headers().firstValue("X-Session-Id")).contains(meta.getString("session_id"));
    }

    @Test
    void theRequestIdIsKeptAndPassedToTheLlmService() {
        String requestId = "req-" + UUID.randomUUID();
        var request = Api.request("/api/v1/chat/stream", TestEnv.newUser().sign(TestEnv.keysDir()))
                .header("Content-Type", "application/json")
                .header("X-Request-Id", requestId)
                .POST(Api.json(Map.of("query", "hello [[sim tokens=2]]"))).build();
        var response = Api.send(request);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Request-Id")).contains(requestId);
        assertThat(sim.seen()).filteredOn(seen -> requestId.equals(seen.requestId()))
                .extracting(LlmSimulator.SeenRequest::path)
                .contains("/chat/stream");
    }

    @Test
    void aChatLeavesASessionMirrorALedgerEntryAndAnAuditRow() {
        DevJwt user = TestEnv.newUser();
        Api.Streamed answer = Api.chatStream(user.sign(TestEnv.keysDir()), Map.of("query", "audit me [[sim tokens=3]]"));
        assertThat(answer.status()).isEqualTo(200);
        String requestId = answer.only("meta").json().getString("request_id");
        UUID sessionId = UUID.fromString(answer.only("meta").json().getString("session_id"));

        // The relay settles after the last event is written; the client may read it first.
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(
                Db.rows("select * from audit_event where request_id = ? and action = 'chat.stream'", requestId)).hasSize(1));

        var session = Db.rows("select * from chat_session where id = ?", sessionId).get(0);
        assertThat(session.get("user_id")).isEqualTo(user.subject());
        assertThat(session.get("company_id")).isEqualTo(user.company());
        assertThat(((Number) session.get("message_count")).intValue()).isEqualTo(2);
        assertThat(((Number) session.get("credits_used")).longValue()).isEqualTo(1);
        assertThat(sim.hasSession(sessionId.toString())).isTrue();

        // Held before the call, then the hold released and the actual cost (1 credit) captured.
        var entries = Db.rows("select kind, amount from ledger_entry where request_id = ? order by id", requestId);
        assertThat(entries).extracting(row -> row.get("kind")).containsExactly("RESERVE", "RELEASE", "CAPTURE");
        assertThat(entries.stream().mapToLong(row -> ((Number) row.get("amount")).longValue()).sum()).isEqualTo(-1);
        assertThat(((Number) entries.get(0).get("amount")).longValue()).isLessThan(-1);
        var balance = Db.rows("select balance, (select sum(amount) from ledger_entry e where e.company_id = a.company_id) as total"
                + " from credit_account a where company_id = ?", user.company()).get(0);
        assertThat(((Number) balance.get("balance")).longValue()).isEqualTo(999);
        assertThat(((Number) balance.get("total")).longValue()).isEqualTo(999);

        var audit = Db.rows("select * from audit_event where request_id = ? and action = 'chat.stream'", requestId).get(0);
        assertThat(audit.get("model")).isEqualTo("sim-1");
        assertThat(audit.get("roles")).isEqualTo("user");
        assertThat(audit.get("client_address")).isNotNull();
        assertThat(((Number) audit.get("ttft_ms")).longValue()).isBetween(0L, ((Number) audit.get("latency_ms")).longValue());
        // the session it opened and the hold it settled are audited with the same request id
        assertThat(Db.rows("select action from audit_event where request_id = ? order by id", requestId))
                .extracting(row -> row.get("action"))
                .containsExactlyInAnyOrder("session.create", "reservation.captured", "chat.stream");
        assertThat(audit.get("outcome")).isEqualTo("ok");
        assertThat(audit.get("user_id")).isEqualTo(user.subject());
        assertThat(((Number) audit.get("completion_tokens")).intValue()).isEqualTo(3);
    }

    @Test
    void aSecondTurnInTheSameSessionContinuesIt() {
        String token = TestEnv.newUser().sign(TestEnv.keysDir());
        String sessionId = Api.chatStream(token, Map.of("query", "first [[sim tokens=2]]")).only("meta").json().getString("session_id");

        Api.Streamed second = Api.chatStream(token, Map.of("session_id", sessionId, "query", "second [[sim tokens=2]]"));

        assertThat(second.status()).isEqualTo(200);
        assertThat(second.only("meta").json().getString("session_id")).isEqualTo(sessionId);
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(
                ((Number) Db.rows("select message_count from chat_session where id = ?", UUID.fromString(sessionId))
                        .get(0).get("message_count")).intValue()).isEqualTo(4));
    }

    @Test
    void someoneElsesSessionIsNotFound() {
        String owner = TestEnv.newUser().sign(TestEnv.keysDir());
        String sessionId = Api.chatStream(owner, Map.of("query", "mine [[sim tokens=1]]")).only("meta").json().getString("session_id");

        DevJwt someoneElse = TestEnv.newUser();
        Api.Streamed stranger = Api.chatStream(someoneElse.sign(TestEnv.keysDir()),
                Map.of("session_id", sessionId, "query", "let me in"));

        assertThat(stranger.status()).isEqualTo(404);
        assertThat(stranger.response().headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(stranger.problem().getString("request_id")).isNotBlank();
        // admitted in one statement with the hold (db/V16): a refusal holds nothing and keeps no slot
        String requestId = stranger.response().headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(Db.rows("select turn_id from credit_reservation where request_id = ?", requestId)).isEmpty();
        assertThat(Db.rows("select id from ledger_entry where request_id = ?", requestId)).isEmpty();
        assertThat(Db.rows("select turn_id from stream_slot where company_id = ? and user_id = ?",
                someoneElse.company(), someoneElse.subject())).isEmpty();
    }

    @Test
    void thePromptTextIsInNoLogAndNoTable() throws IOException {
        String marker = "PROMPT-MARKER-" + UUID.randomUUID();
        Api.Streamed answer = Api.chatStream(TestEnv.newUser().sign(TestEnv.keysDir()),
                Map.of("query", "Please keep this secret " + marker + " [[sim tokens=3]]"));
        assertThat(answer.status()).isEqualTo(200);
        String requestId = answer.only("meta").json().getString("request_id");
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(
                Db.rows("select * from audit_event where request_id = ? and action = 'chat.stream'", requestId)).hasSize(1));

        assertThat(Db.rowsContaining(marker)).isZero();
        assertThat(Db.rowsContaining(requestId)).as("the search itself finds what is stored").isPositive();
        try (Stream<Path> logs = Files.walk(TestEnv.serverLogs())) {
            for (Path log : logs.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as(log.toString()).doesNotContain(marker);
            }
        }
    }
}
