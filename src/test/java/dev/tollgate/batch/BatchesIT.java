package dev.tollgate.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The native batch front: a batch held, answered by the workers, its results and credits. */
@ExtendWith(UsesSimulator.class)
class BatchesIT {

    @Test
    void aBatchIsHeldAnsweredAndSettledToItsItemsCosts() {
        Client user = Client.freshUser();
        String tag = UUID.randomUUID().toString();
        HttpResponse<String> created = user.post("/api/v1/batches", Map.of("model", "sim-batch", "items", List.of(
                Map.of("custom_id", "a", "query", "[[sim tokens=3]] first " + tag, "max_tokens", 20),
                Map.of("custom_id", "b", "query", "[[sim tokens=5]] second " + tag, "max_tokens", 20))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        JsonObject batch = Api.parse(created.body());
        String id = batch.getString("id");
        long held = batch.getJsonObject("credits").getJsonNumber("held").longValue();
        assertThat(held).isPositive();
        assertThat(user.reservations("OPEN")).hasSize(1);
        long whileHeld = user.balance();

        JsonObject done = await().pollInterval(Batching.POLL).atMost(Duration.ofSeconds(60)).until(() -> user.read("/api/v1/batches/" + id),
                b -> "completed".equals(b.getString("status")));
        JsonObject credits = done.getJsonObject("credits");
        long captured = credits.getJsonNumber("captured").longValue();
        assertThat(done.getJsonObject("counts").getInt("completed")).isEqualTo(2);
        assertThat(captured).isPositive().isLessThanOrEqualTo(held);
        assertThat(credits.getJsonNumber("released").longValue()).isEqualTo(held - captured);
        assertThat(user.balance()).isEqualTo(whileHeld + held - captured);

        String results = user.get("/api/v1/batches/" + id + "/results").body();
        List<JsonObject> lines = results.lines().map(Api::parse).toList();
        assertThat(lines).extracting(l -> l.getString("custom_id")).containsExactly("a", "b");
        assertThat(lines).allSatisfy(l -> assertThat(l.getString("content")).isNotBlank());
        assertThat(lines.stream().mapToLong(l -> l.getJsonNumber("credits").longValue()).sum()).isEqualTo(captured);
        JsonObject check = user.colleague("billing_admin").read("/api/v1/admin/credits/check?company_id=" + user.company());
        assertThat(check.getBoolean("consistent")).isTrue();
        // the items are usage as chat turns are: in the company's report, with their tokens and credits
        String range = "&from=" + Instant.now().minus(Duration.ofHours(1)) + "&to=" + Instant.now().plus(Duration.ofHours(1));
        await().pollInterval(Batching.POLL).atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(user
                .colleague("auditor").read("/api/v1/audit/reports/usage?group_by=model" + range).getJsonArray("groups")
                .getValuesAs(JsonObject.class)).singleElement().satisfies(group -> {
                    assertThat(group.getString("group")).isEqualTo("sim-batch");
                    assertThat(group.getJsonNumber("requests").longValue()).isEqualTo(2);
                    assertThat(group.getJsonNumber("completion_tokens").longValue()).isEqualTo(3 + 5);
                    assertThat(group.getJsonNumber("credits").longValue()).isEqualTo(captured);
                }));
    }

    @Test
    void aBadItemIsRefusedNamingItAndNothingIsHeld() {
        Client user = Client.freshUser();
        HttpResponse<String> refused = user.post("/api/v1/batches", Map.of("model", "sim-batch", "items", List.of(
                Map.of("custom_id", "a", "query", "fine"), Map.of("custom_id", "a", "query", "again"))));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("items[1]").contains("request_id");
        assertThat(user.reservations(null)).isEmpty();
    }

    @Test
    void aBatchWhoseWorstCaseTheBalanceCannotHoldIs402WithWhatItNeeds() {
        Client user = Client.freshUser();
        List<Map<String, Object>> items = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            items.add(Map.of("custom_id", "i" + i, "query", "long", "max_tokens", 8192));
        }
        HttpResponse<String> refused = user.post("/api/v1/batches", Map.of("model", "sim-batch", "items", items));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(402);
        JsonObject problem = Api.parse(refused.body());
        assertThat(problem.getJsonNumber("required").longValue()).isGreaterThan(problem.getJsonNumber("balance").longValue());
        assertThat(user.reservations(null)).isEmpty();
    }

    @Test
    void promptTextIsKeptSealedAndGoesAfterItsRetention() {
        Client user = Client.freshUser();
        String secret = "confidential-" + UUID.randomUUID();
        HttpResponse<String> created = user.post("/api/v1/batches", Map.of("model", "sim-batch", "items", List.of(
                Map.of("custom_id", "a", "query", "[[sim tokens=2]] " + secret, "max_tokens", 10))));
        String id = Api.parse(created.body()).getString("id");
        await().pollInterval(Batching.POLL).atMost(Duration.ofSeconds(60)).until(() -> user.read("/api/v1/batches/" + id),
                b -> "completed".equals(b.getString("status")));
        assertThat(Db.rowsContaining(secret)).as("rows holding the prompt in clear").isZero();

        // as if its retention had passed: the sweep deletes the items, the batch's row and credits stay
        Db.execute("update batch set purge_after = now() - interval '1 second' where id = ?::uuid", id);
        await().pollInterval(Batching.POLL).atMost(Duration.ofSeconds(30)).until(() ->
                Db.rows("select 1 from batch_item where batch_id = ?::uuid", id).isEmpty());
        HttpResponse<String> gone = user.get("/api/v1/batches/" + id + "/results");
        assertThat(gone.statusCode()).as(gone.body()).isEqualTo(410);
        assertThat(gone.body()).contains("request_id");
        assertThat(user.read("/api/v1/batches/" + id).getJsonObject("counts").getInt("completed")).isEqualTo(1);
    }

    @Test
    void limitsAndModelsAreCheckedBeforeAnythingIsHeld() {
        Client user = Client.freshUser();
        // the test servers take at most 200 items per batch
        HttpResponse<String> tooMany = user.post("/api/v1/batches", Map.of("model", "sim-batch",
                "items", Batching.items(201, "q", 10)));
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.body()).contains("items").contains("200");
        HttpResponse<String> unpriced = user.post("/api/v1/batches", Map.of("model", "no-such-model",
                "items", Batching.items(1, "q", 10)));
        assertThat(unpriced.statusCode()).isEqualTo(422);
        HttpResponse<String> window = user.post("/api/v1/batches", Map.of("model", "sim-batch", "completion_window", "48h",
                "items", Batching.items(1, "q", 10)));
        assertThat(window.statusCode()).isEqualTo(400);
        assertThat(window.body()).contains("completion_window");
        HttpResponse<String> badTokens = user.post("/api/v1/batches", Map.of("model", "sim-batch",
                "items", List.of(Map.of("custom_id", "a", "query", "q", "max_tokens", 0))));
        assertThat(badTokens.statusCode()).isEqualTo(400);
        assertThat(badTokens.body()).contains("items[0].max_tokens");
        assertThat(user.reservations(null)).isEmpty();
    }

    @Test
    void aUserSeesTheirOwnBatchesAndACompanyAdminTheCompanys() {
        Client user = Client.freshUser();
        Client colleague = user.colleague("user");
        String id = Api.parse(user.post("/api/v1/batches", Map.of("model", "sim-batch",
                "items", Batching.items(1, "[[sim tokens=2]] mine", 10))).body()).getString("id");

        assertThat(user.get("/api/v1/batches").body()).contains(id);
        assertThat(colleague.get("/api/v1/batches").body()).doesNotContain(id);
        assertThat(colleague.get("/api/v1/batches/" + id).statusCode()).isEqualTo(404);
        assertThat(colleague.post("/api/v1/batches/" + id + "/cancel", Map.of()).statusCode()).isEqualTo(404);
        assertThat(user.colleague("company_admin").get("/api/v1/batches").body()).contains(id);
        assertThat(Client.freshUser().colleague("company_admin").get("/api/v1/batches/" + id).statusCode()).isEqualTo(404);
    }
}
