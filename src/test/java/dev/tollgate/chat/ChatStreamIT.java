package dev.tollgate.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.simulator.LlmSimulator;
import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.SseEvent;
import dev.tollgate.testing.Simulator;
import dev.tollgate.testing.TestEnv;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
        Api.Streamed answer = Api.chatStream(Client.as(user).token(),
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
        var request = Api.request("/api/v1/chat/stream", Client.freshUser().token())
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
        Client user = Client.freshUser();
        Api.Streamed answer = user.stream("audit me [[sim tokens=3]]");
        assertThat(answer.status()).isEqualTo(200);
        String requestId = answer.only("meta").json().getString("request_id");
        UUID sessionId = UUID.fromString(answer.only("meta").json().getString("session_id"));

        // The relay settles after the last event is written; the client may read it first.
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(ofRequest(user.auditEvents("action=chat.stream"),
                requestId)).hasSize(1));

        JsonObject session = user.read("/api/v1/sessions/" + sessionId);
        assertThat(session.getString("user_id")).isEqualTo(user.subject());
        assertThat(session.getString("company_id")).isEqualTo(user.company());
        assertThat(session.getInt("message_count")).isEqualTo(2);
        assertThat(session.getJsonNumber("credits_used").longValue()).isEqualTo(1);
        assertThat(sim.hasSession(sessionId.toString())).isTrue();

        // Held before the call, then the hold released and the actual cost (1 credit) captured.
        List<JsonObject> entries = ofRequest(user.ledger(), requestId);
        assertThat(entries).extracting(entry -> entry.getString("kind")).containsExactly("RESERVE", "RELEASE", "CAPTURE");
        assertThat(entries.stream().mapToLong(entry -> entry.getJsonNumber("amount").longValue()).sum()).isEqualTo(-1);
        assertThat(entries.get(0).getJsonNumber("amount").longValue()).isLessThan(-1);
        assertThat(user.balance()).isEqualTo(999);
        JsonObject check = user.colleague("billing_admin").read("/api/v1/admin/credits/check?company_id=" + user.company());
        assertThat(check.getJsonNumber("sum_of_entries").longValue()).isEqualTo(999);
        assertThat(check.getBoolean("consistent")).isTrue();

        JsonObject audit = ofRequest(user.auditEvents("action=chat.stream"), requestId).get(0);
        assertThat(audit.getString("model")).isEqualTo("sim-1");
        assertThat(audit.getString("roles")).isEqualTo("user");
        assertThat(audit.getString("client_address", null)).isNotNull();
        assertThat(audit.getJsonNumber("ttft_ms").longValue()).isBetween(0L, audit.getJsonNumber("latency_ms").longValue());
        // the session it opened and the hold it settled are audited with the same request id
        assertThat(ofRequest(user.auditEvents(""), requestId)).extracting(event -> event.getString("action"))
                .containsExactlyInAnyOrder("session.create", "reservation.captured", "chat.stream");
        assertThat(audit.getString("outcome")).isEqualTo("ok");
        assertThat(audit.getString("user_id")).isEqualTo(user.subject());
        assertThat(audit.getInt("completion_tokens")).isEqualTo(3);
    }

    private static List<JsonObject> ofRequest(List<JsonObject> rows, String requestId) {
        return rows.stream().filter(row -> requestId.equals(row.getString("request_id", null))).toList();
    }

    @Test
    void aSecondTurnInTheSameSessionContinuesIt() {
        Client user = Client.freshUser();
        String sessionId = user.stream("first [[sim tokens=2]]").only("meta").json().getString("session_id");

        Api.Streamed second = user.stream(Map.of("session_id", sessionId, "query", "second [[sim tokens=2]]"));

        assertThat(second.status()).isEqualTo(200);
        assertThat(second.only("meta").json().getString("session_id")).isEqualTo(sessionId);
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(
                user.read("/api/v1/sessions/" + sessionId).getInt("message_count")).isEqualTo(4));
    }

    @Test
    void someoneElsesSessionIsNotFound() {
        Client owner = Client.freshUser();
        String sessionId = owner.stream("mine [[sim tokens=1]]").only("meta").json().getString("session_id");

        Client someoneElse = Client.freshUser();
        Api.Streamed stranger = someoneElse.stream(Map.of("session_id", sessionId, "query", "let me in"));

        assertThat(stranger.status()).isEqualTo(404);
        assertThat(stranger.response().headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(stranger.problem().getString("request_id")).isNotBlank();
        // admitted in one statement with the hold: a refusal holds nothing and keeps no slot
        String requestId = stranger.response().headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(ofRequest(someoneElse.reservations(null), requestId)).isEmpty();
        assertThat(ofRequest(someoneElse.ledger(), requestId)).isEmpty();
        // the slot is not on the API: read where it is kept
        assertThat(Db.rows("select turn_id from stream_slot where company_id = ? and user_id = ?",
                someoneElse.company(), someoneElse.subject())).isEmpty();
    }

    @Test
    void thePromptTextIsInNoLogAndNoTable() throws IOException {
        String marker = "PROMPT-MARKER-" + UUID.randomUUID();
        Api.Streamed answer = Api.chatStream(Client.freshUser().token(),
                Map.of("query", "Please keep this secret " + marker + " [[sim tokens=3]]"));
        assertThat(answer.status()).isEqualTo(200);
        String requestId = answer.only("meta").json().getString("request_id");
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(
                Db.rows("select * from audit_event where request_id = ? and action = 'chat.stream'", requestId)).hasSize(1));

        assertThat(Db.rowsContaining(marker)).isZero();
        assertThat(Db.rowsContaining(requestId)).as("the search itself finds what is stored").isPositive();
        assertThat(TestEnv.logsContaining(marker, TestEnv.serverLogs())).isEmpty();
    }
}
