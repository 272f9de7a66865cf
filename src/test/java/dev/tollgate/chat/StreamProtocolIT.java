package dev.tollgate.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.simulator.LlmSimulator;
import dev.tollgate.testing.Api;
import dev.tollgate.testing.Chats;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Front;
import dev.tollgate.testing.SseEvent;
import dev.tollgate.testing.Simulator;
import dev.tollgate.testing.UsesSimulator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The stream once it has begun (docs/streaming.md): notices, mid-stream failures, heartbeats,
 * silence limits, and what happens when the client hangs up. The test server sends heartbeats
 * after 0.7 s of quiet and ends a stream after 2.5 s without a token.
 */
@ExtendWith(UsesSimulator.class)
class StreamProtocolIT {

    private final LlmSimulator sim = Simulator.get();

    /** admit;dur=A, upstream;dur=U, in milliseconds. */
    private static double[] serverTiming(java.net.http.HttpResponse<?> response) {
        String header = response.headers().firstValue("Server-Timing").orElseThrow();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("admit;dur=([0-9.]+), upstream;dur=([0-9.]+)").matcher(header);
        assertThat(m.matches()).as(header).isTrue();
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }

    @Test
    void theWaitForTheFirstTokenIsDividedInServerTiming() {
        String token = Chats.token();
        Api.Streamed answer = Chats.stream(token, "slow start [[sim tokens=2 ttft_ms=300]]");
        assertThat(answer.status()).isEqualTo(200);
        double[] streamed = serverTiming(answer.response());
        // the simulator waited 300 ms before its first event: that is the LLM service's part, not Tollgate's
        assertThat(streamed[1]).isGreaterThanOrEqualTo(300.0);
        assertThat(streamed[0]).isLessThan(streamed[1]);
        var whole = Api.postJson("/api/v1/chat", token, Map.of("query", "slow start [[sim tokens=2 ttft_ms=300]]"));
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(serverTiming(whole)[1]).isGreaterThanOrEqualTo(300.0);
    }

    @Test
    void aSessionTheLlmServiceLostIsRecreatedAndTheClientIsTold() {
        String token = Chats.token();
        String sessionId = Chats.startSession(token);
        sim.forget(sessionId);

        Api.Streamed answer = Api.chatStream(token, Map.of("session_id", sessionId, "query", "again [[sim tokens=2]]"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.events()).extracting(SseEvent::name)
                .containsExactly("meta", "notice", "token", "token", "usage", "done");
        assertThat(answer.only("notice").json().getString("code")).isEqualTo("session_recreated");
        assertThat(sim.hasSession(sessionId)).isTrue();
    }

    @Test
    void noResultsIsTheLlmServicesFriendlyAnswerStreamedAsUsual() {
        Api.Streamed answer = Chats.stream(Chats.token(), "nothing matches [[sim no_results]]");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(Chats.text(answer)).contains("could not find anything");
        assertThat(answer.named("done")).hasSize(1);
    }

    @Test
    void anLlmServiceThatDiesMidStreamEndsItWithAnErrorEvent() {
        Api.Streamed answer = Chats.stream(Chats.token(), "break [[sim tokens=10 disconnect_after=3 delay_ms=20]]");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.events()).extracting(SseEvent::name).containsExactly("meta", "token", "token", "token", "error");
        var error = answer.only("error").json();
        assertThat(error.getString("code")).isEqualTo("llm_unavailable");
        assertThat(error.getString("request_id")).isEqualTo(answer.only("meta").json().getString("request_id"));
        assertThat(error.getString("session_id")).isEqualTo(answer.only("meta").json().getString("session_id"));
    }

    @Test
    void tooLongASilenceBetweenTokensEndsWithATimeoutAndCancelsUpstream() {
        Api.Streamed answer = Chats.stream(Chats.token(), "gap [[sim tokens=3 delay_ms=6000]]");

        assertThat(answer.events()).extracting(SseEvent::name).containsExactly("meta", "token", "error");
        var error = answer.only("error").json();
        assertThat(error.getString("code")).isEqualTo("llm_timeout");
        assertThat(error.getJsonNumber("retry_after_ms").longValue()).isPositive();
        String requestId = answer.only("meta").json().getString("request_id");
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.cancelled().contains(requestId));
    }

    @Test
    void quietStretchesCarryHeartbeatComments() {
        Api.Streamed answer = Chats.stream(Chats.token(), "slow [[sim tokens=2 delay_ms=1600]]");

        assertThat(answer.named("done")).hasSize(1);
        assertThat(answer.body()).contains(": heartbeat");
    }

    @ParameterizedTest
    @EnumSource(Front.class)
    void whenTheClientHangsUpTheUpstreamIsCancelledAndTheTurnSettled(Front front) throws Exception {
        Client user = Client.freshUser();
        var response = front.open(user.token(), "long [[sim tokens=400 delay_ms=40]]");
        assertThat(response.statusCode()).isEqualTo(200);
        String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
        var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        int tokens = 0;
        for (String line; tokens < 3 && (line = reader.readLine()) != null; ) {
            if (front.isToken(line)) {
                tokens++;
            }
        }
        long hungUp = System.nanoTime();
        response.body().close();

        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                .until(() -> sim.cancelled().contains(requestId));
        long cancelMs = (System.nanoTime() - hungUp) / 1_000_000;
        System.out.println("upstream cancelled " + cancelMs + " ms after the client hung up");

        await().untilAsserted(() -> assertThat(user.auditEvents("action=" + front.action))
                .filteredOn(event -> requestId.equals(event.getString("request_id", null)))
                .singleElement().satisfies(event -> {
                    assertThat(event.getString("outcome")).isEqualTo("client_disconnected");
                    assertThat(event.getInt("completion_tokens")).isBetween(3, 399);
                }));
        // What was delivered is captured, the rest of the hold released: the entries say so.
        long audited = user.auditEvents("action=" + front.action).get(0).getJsonNumber("credits").longValue();
        var entries = user.ledger().stream().filter(entry -> requestId.equals(entry.getString("request_id", null))).toList();
        assertThat(entries).extracting(entry -> entry.getString("kind")).containsExactly("RESERVE", "RELEASE", "CAPTURE");
        assertThat(entries.stream().mapToLong(entry -> entry.getJsonNumber("amount").longValue()).sum()).isEqualTo(-audited);
        assertThat(audited).isPositive();
        assertThat(user.reservations(null)).singleElement().satisfies(hold -> {
            assertThat(hold.getString("status")).isEqualTo("captured");
            assertThat(hold.getJsonNumber("captured").longValue()).isEqualTo(audited);
        });
    }

    @Test
    void aFullServerRefusesTheNextStreamWith503UntilOneEnds() throws Exception {
        String token = Chats.token();
        java.util.List<java.net.http.HttpResponse<java.io.InputStream>> open = new java.util.ArrayList<>();
        try {
            // The test server admits 20 open streams (TOLLGATE_STREAM_MAX_OPEN).
            for (int i = 0; i < 20; i++) {
                var response = Api.openStream(token, Map.of("query", "hold " + i + " [[sim tokens=400 delay_ms=50]]"));
                assertThat(response.statusCode()).isEqualTo(200);
                open.add(response);
            }

            Api.Streamed refused = Chats.stream(token, "one more [[sim tokens=1]]");

            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.response().headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.problem().getString("request_id")).isNotBlank();
        } finally {
            for (var response : open) {
                response.body().close();
            }
        }
        // Hung-up streams give their places back.
        await().atMost(Duration.ofSeconds(10)).until(() -> Chats.stream(token, "again [[sim tokens=1]]").status() == 200);
    }

    @Test
    void theJsonAnswerFailsWithProblemJsonBeforeAndAfterItsFirstToken() {
        String token = Chats.token();

        var before = Api.postJson("/api/v1/chat", token, Map.of("query", "busy [[sim fault=http429]]"));
        assertThat(before.statusCode()).isEqualTo(429);
        assertThat(before.headers().firstValue("Retry-After")).contains("7");

        var midway = Api.postJson("/api/v1/chat", token, Map.of("query", "break [[sim tokens=10 disconnect_after=3]]"));
        assertThat(midway.statusCode()).isEqualTo(503);
        assertThat(midway.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(Api.parse(midway.body()).getString("request_id"))
                .isEqualTo(midway.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void theJsonAnswerIsTheSameTextAsTheStreamWithIdsInHeaders() {
        String token = Chats.token();
        String query = "same words " + UUID.randomUUID() + " [[sim tokens=7]]";
        String streamed = Chats.text(Chats.stream(token, query));

        var response = Api.postJson("/api/v1/chat", token, Map.of("query", query));

        assertThat(response.statusCode()).isEqualTo(200);
        var body = Api.parse(response.body());
        assertThat(body.getString("content")).isEqualTo(streamed);
        assertThat(body.getJsonObject("usage").getInt("completion_tokens")).isEqualTo(7);
        assertThat(response.headers().firstValue("X-Request-Id")).contains(body.getString("request_id"));
        assertThat(response.headers().firstValue("X-Session-Id")).contains(body.getString("session_id"));
        assertThat(response.headers().firstValue("X-Gateway-Overhead-Ms")).isPresent();
        assertThat(body.getJsonNumber("response_time_ms").longValue()).isNotNegative();
    }
}
