package dev.tollgate.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.simulator.LlmSimulator;
import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Simulator;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the batch ITs do as a caller: create a batch, wait for its end, read its results and its upstream calls. */
final class Batching {

    /** How often a test asks after a batch: within the per-user request limit of the test server. */
    static final Duration POLL = Duration.ofMillis(250);

    private static final Set<String> ENDED = Set.of("completed", "failed", "expired", "cancelled");

    private Batching() {
    }

    /** {@code count} items {@code i0 … i<count-1>}, each asking {@code query + " " + i}. */
    static List<Map<String, Object>> items(int count, String query, int maxTokens) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(Map.of("custom_id", "i" + i, "query", query + " " + i, "max_tokens", maxTokens));
        }
        return items;
    }

    /** The batch created from this body (202), as the front answered it. */
    static JsonObject create(Client user, Map<String, ?> body) {
        HttpResponse<String> created = user.post("/api/v1/batches", body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return Api.parse(created.body());
    }

    static JsonObject awaitEnd(Client user, String id) {
        return await().pollInterval(POLL).atMost(Duration.ofSeconds(90)).until(() -> user.read("/api/v1/batches/" + id),
                b -> ENDED.contains(b.getString("status")));
    }

    static List<JsonObject> results(Client user, String id) {
        HttpResponse<String> results = user.get("/api/v1/batches/" + id + "/results");
        assertThat(results.statusCode()).as(results.body()).isEqualTo(200);
        return results.body().lines().map(Api::parse).toList();
    }

    /** The simulator's chat calls for item {@code idx} of the batch, one per try that reached it. */
    static List<LlmSimulator.SeenRequest> calls(String batchId, int idx) {
        String prefix = "batch-" + batchId + "-" + idx + "-";
        return Simulator.get().seen().stream()
                .filter(r -> r.requestId() != null && r.requestId().startsWith(prefix))
                .filter(r -> "POST".equals(r.method()))
                .toList();
    }

    /** Credits held, captured and released agree with the balance and the items' costs, and the ledger check holds. */
    static void settledExactly(Client user, JsonObject ended, List<JsonObject> results) {
        JsonObject credits = ended.getJsonObject("credits");
        long held = credits.getJsonNumber("held").longValue();
        long captured = credits.getJsonNumber("captured").longValue();
        assertThat(captured).isLessThanOrEqualTo(held);
        assertThat(credits.getJsonNumber("released").longValue()).isEqualTo(held - captured);
        assertThat(results.stream().filter(r -> r.containsKey("credits"))
                .mapToLong(r -> r.getJsonNumber("credits").longValue()).sum()).isEqualTo(captured);
        assertThat(user.reservations("OPEN")).isEmpty();
        JsonObject check = user.colleague("billing_admin").read("/api/v1/admin/credits/check?company_id=" + user.company());
        assertThat(check.getBoolean("consistent")).as(check.toString()).isTrue();
    }
}
