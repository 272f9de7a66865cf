package dev.tollgate.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.simulator.LlmSimulator;
import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.Simulator;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Models on OpenAI-compatible servers (the simulator speaking OpenAI's wire under path prefixes,
 * src/test/catalog/models.json): their answers on both fronts, their traffic shared by weight, a
 * failing server left for the next before the first token and never after it, one breaker per
 * server, a 429's cool-down, and the servers' key kept from everyone.
 */
@ExtendWith(UsesSimulator.class)
class RoutingIT {

    private final LlmSimulator sim = Simulator.get();

    /** The OpenAI-wire servers a request reached, in order, by their path prefix. */
    private List<String> servers(String requestId) {
        return sim.seen().stream().filter(s -> requestId.equals(s.requestId()) && s.path().endsWith("/v1/chat/completions"))
                .map(s -> s.path().substring(0, s.path().length() - "/v1/chat/completions".length())).toList();
    }

    private static Api.Streamed ask(Client user, String model, String query) {
        return user.stream(Map.of("query", query, "model", model));
    }

    @Test
    void anOpenAiServerAnswersTheNativeStreamAndIsAskedForUsageAndBothLimits() {
        Client user = Client.freshUser();
        Api.Streamed answer = ask(user, "sim-oa", "hello openai [[sim tokens=4]]");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.named("token")).hasSize(4);
        assertThat(answer.only("usage").json().getInt("completion_tokens")).isEqualTo(4);
        JsonObject sent = sim.openAiBody(answer.requestId());
        assertThat(sent.getString("model")).as("the name the server knows").isEqualTo("sim-upstream");
        assertThat(sent.getBoolean("stream")).isTrue();
        assertThat(sent.getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
        assertThat(sent.getInt("max_tokens")).isEqualTo(sent.getInt("max_completion_tokens"));
        assertThat(sent.getJsonArray("messages")).hasSize(1);
        assertThat(servers(answer.requestId())).containsExactly("/a");
    }

    @Test
    void anAzureDeploymentGetsItsKeyAsApiKeyAndItsApiVersion() {
        Api.Streamed answer = ask(Client.freshUser(), "sim-azure", "azure [[sim tokens=2]]");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(sim.openAiCall(answer.requestId())).isEqualTo("api-key api-version=sim-preview");
        assertThat(sim.openAiCall(ask(Client.freshUser(), "sim-oa", "plain [[sim tokens=1]]").requestId()))
                .isEqualTo("bearer null");
    }

    @Test
    void theOpenAiFrontsMessagesReachAStatelessServerAsSent() {
        Client user = Client.freshUser();
        HttpResponseText whole = HttpResponseText.of(user.post("/v1/chat/completions", Map.of("model", "sim-oa",
                "messages", List.of(Map.of("role", "developer", "content", "Be terse."),
                        Map.of("role", "user", "content", "first"),
                        Map.of("role", "assistant", "content", "an answer"),
                        Map.of("role", "user", "content", "second [[sim tokens=2]]")))));

        assertThat(whole.status()).as(whole.body()).isEqualTo(200);
        List<JsonObject> sent = sim.openAiBody(whole.requestId()).getJsonArray("messages").getValuesAs(JsonObject.class);
        assertThat(sent).extracting(m -> m.getString("role")).containsExactly("system", "user", "assistant", "user");
        assertThat(sent).extracting(m -> m.getString("content"))
                .containsExactly("Be terse.", "first", "an answer", "second [[sim tokens=2]]");
    }

    @Test
    void toolsReachTheServerAndItsToolCallsComeBackUnchangedStreamedAndWhole() {
        Client user = Client.freshUser();
        List<Map<String, Object>> tools = List.of(Map.of("type", "function",
                "function", Map.of("name", "lookup", "parameters", Map.of("type", "object"))));
        List<Map<String, String>> messages = List.of(Map.of("role", "user", "content", "look it up [[sim tool_call]]"));

        Api.Streamed streamed = Api.streamAt("/v1/chat/completions", user.token(),
                Map.of("model", "sim-oa", "stream", true, "tools", tools, "tool_choice", "auto", "messages", messages), Map.of());
        assertThat(streamed.status()).as(streamed.body()).isEqualTo(200);
        JsonObject sent = sim.openAiBody(streamed.requestId());
        assertThat(sent.getJsonArray("tools").getJsonObject(0).getJsonObject("function").getString("name")).isEqualTo("lookup");
        assertThat(sent.getString("tool_choice")).isEqualTo("auto");
        List<JsonObject> choices = streamed.events().stream().filter(e -> e.data().startsWith("{"))
                .map(e -> Api.parse(e.data()).getJsonArray("choices")).filter(c -> !c.isEmpty())
                .map(c -> c.getJsonObject(0)).toList();
        List<JsonObject> calls = choices.stream().filter(c -> c.getJsonObject("delta").containsKey("tool_calls"))
                .map(c -> c.getJsonObject("delta").getJsonArray("tool_calls").getJsonObject(0)).toList();
        assertThat(calls).hasSize(3);
        assertThat(calls.get(0).getString("id")).isEqualTo("call_sim");
        assertThat(calls.get(0).getJsonObject("function").getString("name")).isEqualTo("lookup");
        assertThat(calls.stream().map(c -> c.getJsonObject("function").getString("arguments")).reduce("", String::concat))
                .isEqualTo("{\"q\":\"sim\"}");
        assertThat(choices.get(choices.size() - 1).getString("finish_reason")).isEqualTo("tool_calls");

        var whole = user.post("/v1/chat/completions", Map.of("model", "sim-oa", "tools", tools, "messages", messages));
        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
        JsonObject choice = Api.parse(whole.body()).getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getString("finish_reason")).isEqualTo("tool_calls");
        assertThat(choice.getJsonObject("message").isNull("content")).isTrue();
        JsonObject call = choice.getJsonObject("message").getJsonArray("tool_calls").getJsonObject(0);
        assertThat(call.getString("id")).isEqualTo("call_sim");
        assertThat(call.getJsonObject("function").getString("name")).isEqualTo("lookup");
        assertThat(call.getJsonObject("function").getString("arguments")).isEqualTo("{\"q\":\"sim\"}");

        var seedOnly = user.post("/v1/chat/completions", Map.of("model", "sim-1", "tools", tools, "messages", messages));
        assertThat(seedOnly.statusCode()).isEqualTo(400);
        assertThat(Api.parse(seedOnly.body()).getJsonObject("error").getString("param")).isEqualTo("tools");
    }

    @Test
    void anAnswerWithoutUsageIsBilledByTheTokensCounted() {
        Client user = Client.freshUser();
        Api.Streamed answer = ask(user, "sim-oa", "no usage here [[sim tokens=5 no_usage]]");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.named("token")).hasSize(5);
        await().untilAsserted(() -> assertThat(user.auditEvents("action=chat.stream")).singleElement().satisfies(event -> {
            assertThat(event.getInt("completion_tokens")).isEqualTo(5);
            assertThat(event.getJsonNumber("credits").longValue()).isPositive();
            assertThat(user.balance()).as("the initial grant less this answer")
                    .isEqualTo(1000 - event.getJsonNumber("credits").longValue());
        }));
    }

    @Test
    void aModelsServersShareItsTurnsByWeight() {
        Client user = Client.freshUser();
        int first = 0;
        int second = 0;
        for (int i = 0; i < 40; i++) {
            Api.Streamed answer = ask(user, "sim-pair", "share [[sim tokens=1]]");
            assertThat(answer.status()).isEqualTo(200);
            List<String> reached = servers(answer.requestId());
            first += reached.equals(List.of("/p1")) ? 1 : 0;
            second += reached.equals(List.of("/p2")) ? 1 : 0;
        }
        // weights 3 and 1: about 30 and 10 (both ends of this are a millionth or less by chance)
        assertThat(first + second).isEqualTo(40);
        assertThat(first).isGreaterThan(second);
        assertThat(second).isPositive();
    }

    @Test
    void eachKindOfFailureBeforeTheFirstTokenMovesTheTurnToTheNextServer() {
        Client user = Client.freshUser();
        // a 5xx
        sim.breakServer("/m1", 503);
        try {
            Api.Streamed answer = ask(user, "sim-mixed", "fallback [[sim tokens=2]]");
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(servers(answer.requestId())).containsExactly("/m1");
            assertThat(sim.seen()).anyMatch(s -> answer.requestId().equals(s.requestId()) && s.path().equals("/chat/stream"));
            // every try is in the turn's audit row
            await().untilAsserted(() -> assertThat(user.auditEvents("action=chat.stream"))
                    .filteredOn(e -> answer.requestId().equals(e.getString("request_id", null))).singleElement()
                    .satisfies(e -> assertThat(e.getString("target"))
                            .matches(".*/m1/v1 sim-mixed llm_unavailable; http://127\\.0\\.0\\.1:\\d+ sim-mixed ok")));
        } finally {
            sim.mend("/m1");
        }
        // no connection at all
        Api.Streamed refused = ask(user, "sim-dead", "no server [[sim tokens=2]]");
        assertThat(refused.status()).as(refused.body()).isEqualTo(200);
        assertThat(servers(refused.requestId())).containsExactly("/d2");
        // no first token in time (the first server's own, shorter timeout)
        sim.breakServer("/s1", LlmSimulator.STALL);
        try {
            Api.Streamed slow = ask(user, "sim-slow", "slow [[sim tokens=2]]");
            assertThat(slow.status()).as(slow.body()).isEqualTo(200);
            assertThat(servers(slow.requestId())).containsExactly("/s1", "/s2");
        } finally {
            sim.mend("/s1");
        }
    }

    @Test
    void whenEveryServerFailsTheTurnsAuditRowNamesEachTry() {
        Client user = Client.freshUser();
        sim.breakServer("/p1", 502);
        sim.breakServer("/p2", 502);
        Api.Streamed refused;
        try {
            refused = ask(user, "sim-pair", "nobody home [[sim tokens=1]]");
        } finally {
            sim.mend("/p1");
            sim.mend("/p2");
        }
        assertThat(refused.status()).isEqualTo(503);
        await().untilAsserted(() -> assertThat(user.auditEvents("action=chat.stream"))
                .filteredOn(e -> refused.requestId().equals(e.getString("request_id", null))).singleElement()
                .satisfies(e -> {
                    assertThat(e.getString("outcome")).isEqualTo("llm_unavailable");
                    assertThat(e.getString("target")).contains("/p1/v1 sim-pair llm_unavailable")
                            .contains("/p2/v1 sim-pair llm_unavailable");
                }));
    }

    @Test
    void aRateLimitedServerCoolsDownForItsRetryAfterWhileTheOtherServes() {
        Client user = Client.freshUser();
        sim.breakServer("/p1", 429);
        try {
            String cooled = null;
            for (int i = 0; i < 20 && cooled == null; i++) {
                Api.Streamed answer = ask(user, "sim-pair", "busy [[sim tokens=1]]");
                assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                if (servers(answer.requestId()).equals(List.of("/p1", "/p2"))) {
                    cooled = answer.requestId();
                }
            }
            assertThat(cooled).as("a turn that met the 429").isNotNull();
            // within its Retry-After of 2 s, no turn is sent there
            for (int i = 0; i < 5; i++) {
                assertThat(servers(ask(user, "sim-pair", "still busy [[sim tokens=1]]").requestId())).containsExactly("/p2");
            }
        } finally {
            sim.mend("/p1");
        }
        await().atMost(Duration.ofSeconds(10)).until(() ->
                servers(ask(user, "sim-pair", "back [[sim tokens=1]]").requestId()).contains("/p1"));
    }

    /** The operators' view of sim-pair's two servers: p1 or p2 to its state. */
    private static Map<String, String> pairStates(Client operator) {
        return Api.parseArray(operator.get("/api/v1/admin/upstreams").body()).getValuesAs(JsonObject.class).stream()
                .filter(u -> u.getString("model").equals("sim-pair"))
                .collect(Collectors.toMap(u -> u.getString("url").contains("/p1/") ? "p1" : "p2",
                        u -> u.getString("state")));
    }

    @Test
    void oneBrokenServerOpensOnlyItsOwnCircuit() {
        Client user = Client.freshUser();
        Client operator = user.colleague("operator");
        sim.breakServer("/p2", 500);
        try {
            // turns drawn to p2 first fail there and are answered by p1, until p2's circuit opens
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                assertThat(ask(user, "sim-pair", "break p2 [[sim tokens=1]]").status()).isEqualTo(200);
                return "open".equals(pairStates(operator).get("p2"));
            });
            assertThat(pairStates(operator).get("p1")).isEqualTo("closed");
            long before = sim.seen().stream().filter(s -> s.path().startsWith("/p2/")).count();
            for (int i = 0; i < 12; i++) {
                assertThat(ask(user, "sim-pair", "p1 serves [[sim tokens=1]]").status()).isEqualTo(200);
            }
            assertThat(sim.seen().stream().filter(s -> s.path().startsWith("/p2/")).count())
                    .as("no turn tried p2 while its circuit was open").isEqualTo(before);
            List<JsonObject> pair = Api.parseArray(operator.get("/api/v1/admin/upstreams").body())
                    .getValuesAs(JsonObject.class).stream().filter(u -> u.getString("url").contains("/p2/")).toList();
            assertThat(pair).singleElement().satisfies(u -> assertThat(u.getJsonArray("recent_errors")).isNotEmpty());
            // the other model on the same simulator is untouched
            assertThat(ask(user, "sim-oa", "fine [[sim tokens=1]]").status()).isEqualTo(200);
        } finally {
            sim.mend("/p2");
        }
        // half-open after its delay, closed by a success: served again
        await().atMost(Duration.ofSeconds(20)).until(() ->
                servers(ask(user, "sim-pair", "p2 back [[sim tokens=1]]").requestId()).contains("/p2"));
    }

    @Test
    void aServerThatIgnoresTheLimitIsCutOffAtItAndLetGo() {
        Client user = Client.freshUser();
        Api.Streamed answer = user.stream(Map.of("query", "too long [[sim tokens=30 ignore_limit delay_ms=20]]",
                "model", "sim-oa", "max_tokens", 3));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.named("token")).hasSize(3);
        assertThat(answer.only("done").json().getString("finish_reason")).isEqualTo("length");
        String requestId = answer.requestId();
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.cancelled().contains(requestId));
    }

    @Test
    void theOperatorsSeeEachServersStateAndNobodyElseDoes() {
        Client user = Client.freshUser();
        assertThat(ask(user, "sim-oa", "seen [[sim tokens=1]]").status()).isEqualTo(200);
        Client operator = user.colleague("operator");

        List<JsonObject> upstreams = Api.parseArray(operator.get("/api/v1/admin/upstreams").body()).getValuesAs(JsonObject.class);
        assertThat(upstreams).filteredOn(u -> u.getString("model").equals("sim-oa")).singleElement().satisfies(u -> {
            assertThat(u.getString("kind")).isEqualTo("openai");
            assertThat(u.getString("upstream_model")).isEqualTo("sim-upstream");
            assertThat(u.getString("state")).isEqualTo("closed");
            assertThat(u.getJsonNumber("last_first_token_ms").longValue()).isNotNegative();
            assertThat(u.toString()).doesNotContain(System.getProperty("tollgate.sim.openai.key"));
        });
        assertThat(upstreams).extracting(u -> u.getString("model")).contains("sim-1", "sim-pair", "sim-mixed");
        assertThat(user.get("/api/v1/admin/upstreams").statusCode()).isEqualTo(403);

        String metrics = Api.send(Api.request("/metrics?scope=application", null).GET().build()).body();
        assertThat(metrics).contains("tollgate_upstream_open_streams{deployment=\"" + "http://127.0.0.1:"
                + Simulator.get().port() + "/a/v1 sim-upstream\"");
    }

    @Test
    void aServerAtItsConcurrentLimitIsPassedOverUntilAStreamThereEnds() throws Exception {
        Client user = Client.freshUser();
        var open = Api.openStreamAt(TestEnv.baseUrl(), "/api/v1/chat/stream", user.token(),
                Map.of("query", "long [[sim tokens=200 delay_ms=50]]", "model", "sim-narrow"));
        assertThat(open.statusCode()).isEqualTo(200);
        String first = open.headers().firstValue("X-Request-Id").orElseThrow();
        try {
            assertThat(servers(first)).containsExactly("/n1");
            assertThat(servers(ask(user, "sim-narrow", "meanwhile [[sim tokens=1]]").requestId())).containsExactly("/n2");
        } finally {
            open.body().close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() ->
                servers(ask(user, "sim-narrow", "after [[sim tokens=1]]").requestId()).equals(List.of("/n1")));
    }

    @Test
    void afterTheFirstTokenThereIsNoFallback() {
        Client user = Client.freshUser();
        Api.Streamed answer = ask(user, "sim-pair", "cut [[sim tokens=10 disconnect_after=2 delay_ms=20]]");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.named("token")).hasSize(2);
        assertThat(answer.named("error")).singleElement();
        assertThat(servers(answer.requestId())).hasSize(1);
    }

    @Test
    void theServersKeyIsInNoTableNoLogAndNoAnswer() throws IOException {
        String key = System.getProperty("tollgate.sim.openai.key");
        Client user = Client.freshUser();
        Api.Streamed answer = ask(user, "sim-oa", "keep it secret [[sim tokens=2]]");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).doesNotContain(key);

        assertThat(Db.rowsContaining(key)).isZero();
        assertThat(TestEnv.logsContaining(key, TestEnv.serverLogs())).isEmpty();
    }

    /** A whole answer's status, body and request id. */
    private record HttpResponseText(int status, String body, String requestId) {
        static HttpResponseText of(HttpResponse<String> response) {
            return new HttpResponseText(response.statusCode(), response.body(),
                    response.headers().firstValue("X-Request-Id").orElse(null));
        }
    }
}
