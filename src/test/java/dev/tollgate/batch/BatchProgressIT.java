package dev.tollgate.batch;

import static dev.tollgate.batch.Batching.awaitEnd;
import static dev.tollgate.batch.Batching.calls;
import static dev.tollgate.batch.Batching.create;
import static dev.tollgate.batch.Batching.items;
import static dev.tollgate.batch.Batching.results;
import static dev.tollgate.batch.Batching.settledExactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.SseEvent;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A batch's life past the happy path: cancelled, retried, expired, followed live and resumed, given as lines. */
@ExtendWith(UsesSimulator.class)
class BatchProgressIT {

    @Test
    void cancelMidWayLetsRunningItemsFinishAndReleasesExactlyWhatIsUnused() {
        Client user = Client.freshUser();
        String tag = UUID.randomUUID().toString();
        JsonObject batch = create(user, Map.of("model", "sim-batch",
                "items", items(150, "[[sim tokens=2 ttft_ms=800]] slow " + tag, 10)));
        String id = batch.getString("id");
        long held = batch.getJsonObject("credits").getJsonNumber("held").longValue();
        long before = user.balance();
        await().pollInterval(Batching.POLL).atMost(Duration.ofSeconds(60)).until(() -> user.read("/api/v1/batches/" + id)
                .getJsonObject("counts").getInt("completed") >= 3);

        HttpResponse<String> cancelled = user.post("/api/v1/batches/" + id + "/cancel", Map.of());
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(Api.parse(cancelled.body()).getString("status")).isIn("cancelling", "cancelled");
        JsonObject ended = awaitEnd(user, id);

        assertThat(ended.getString("status")).isEqualTo("cancelled");
        JsonObject counts = ended.getJsonObject("counts");
        assertThat(counts.getInt("completed")).isBetween(3, 149);
        assertThat(counts.getInt("completed") + counts.getInt("unfinished")).isEqualTo(150);
        List<JsonObject> lines = results(user, id);
        settledExactly(user, ended, lines);
        assertThat(user.balance()).isEqualTo(before + ended.getJsonObject("credits").getJsonNumber("released").longValue());
        assertThat(ended.getJsonObject("credits").getJsonNumber("held").longValue()).isEqualTo(held);
        // the items cancelled before they started never reached the LLM service; no cancelled item is billed
        int neverStarted = 0;
        for (int i = 0; i < lines.size(); i++) {
            JsonObject line = lines.get(i);
            if ("cancelled".equals(line.getString("status"))) {
                assertThat(line.getJsonObject("error").getString("code")).isEqualTo("batch_cancelled");
                assertThat(Db.rows("select 1 from ledger_entry where idempotency_key = ?", "capture:" + id + ":" + i))
                        .as("capture of cancelled item " + i).isEmpty();
                int attempts = ((Number) Db.rows("select attempts from batch_item where batch_id = ?::uuid and idx = ?",
                        id, i).get(0).get("attempts")).intValue();
                if (attempts == 0) {
                    neverStarted++;
                    assertThat(calls(id, i)).as("calls of cancelled item " + i).isEmpty();
                }
            }
        }
        assertThat(neverStarted).isPositive();
        HttpResponse<String> again = user.post("/api/v1/batches/" + id + "/cancel", Map.of());
        assertThat(again.statusCode()).isEqualTo(200);
    }

    @Test
    void aFailedTryIsRetriedAndAnItemThatKeepsFailingEndsWithItsReason() {
        Client user = Client.freshUser();
        String tag = UUID.randomUUID().toString();
        // one try is the port's call and its retry, both failed here; the item's second try is answered
        JsonObject flaky = create(user, Map.of("model", "sim-batch", "items", List.of(
                Map.of("custom_id", "fine", "query", "[[sim tokens=3]] fine " + tag, "max_tokens", 10),
                Map.of("custom_id", "flaky", "query", "[[sim tokens=3 flaky=2]] flaky " + tag, "max_tokens", 10))));
        JsonObject recovered = awaitEnd(user, flaky.getString("id"));
        assertThat(recovered.getString("status")).isEqualTo("completed");
        assertThat(recovered.getJsonObject("counts").getInt("completed")).isEqualTo(2);
        assertThat(calls(flaky.getString("id"), 1)).hasSize(3);
        assertThat(Db.rows("select attempts from batch_item where batch_id = ?::uuid and idx = 1", flaky.getString("id")))
                .extracting(r -> ((Number) r.get("attempts")).intValue()).containsExactly(2);
        settledExactly(user, recovered, results(user, flaky.getString("id")));

        // its own upstream, so the circuit this opens pauses no other test's model
        JsonObject broken = create(user, Map.of("model", "sim-batch-rough", "items", List.of(
                Map.of("custom_id", "broken", "query", "[[sim fault=http500]] broken " + tag, "max_tokens", 10))));
        JsonObject failed = awaitEnd(user, broken.getString("id"));
        assertThat(failed.getString("status")).isEqualTo("failed");
        assertThat(failed.getJsonObject("counts").getInt("failed")).isEqualTo(1);
        assertThat(Db.rows("select attempts from batch_item where batch_id = ?::uuid", broken.getString("id")))
                .extracting(r -> ((Number) r.get("attempts")).intValue()).containsExactly(3);
        List<JsonObject> lines = results(user, broken.getString("id"));
        assertThat(lines).singleElement().satisfies(line -> {
            assertThat(line.getString("status")).isEqualTo("failed");
            assertThat(line.getJsonObject("error").getString("code")).startsWith("llm_");
            assertThat(line.getJsonObject("error").getString("message")).isNotBlank();
        });
        settledExactly(user, failed, lines);
        assertThat(failed.getJsonObject("credits").getJsonNumber("captured").longValue()).isZero();
    }

    @Test
    void whatIsNotDoneWithinTheCompletionWindowExpiresAndItsCreditsAreReleased() {
        Client user = Client.freshUser();
        String tag = UUID.randomUUID().toString();
        JsonObject batch = create(user, Map.of("model", "sim-batch", "completion_window", "2s",
                "items", items(80, "[[sim tokens=2 ttft_ms=1500]] late " + tag, 10)));
        String id = batch.getString("id");

        JsonObject ended = awaitEnd(user, id);

        assertThat(ended.getString("status")).isEqualTo("expired");
        JsonObject counts = ended.getJsonObject("counts");
        assertThat(counts.getInt("completed")).isLessThan(80);
        assertThat(counts.getInt("completed") + counts.getInt("failed") + counts.getInt("unfinished")).isEqualTo(80);
        List<JsonObject> lines = results(user, id);
        assertThat(lines).filteredOn(l -> "expired".equals(l.getString("status"))).hasSize(counts.getInt("unfinished"))
                .allSatisfy(l -> assertThat(l.getJsonObject("error").getString("code")).isEqualTo("batch_expired"));
        settledExactly(user, ended, lines);
        // items still running at the end may finish upstream later: they are not billed
        long done = counts.getInt("completed");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> Db.rows(
                "select 1 from ledger_entry where idempotency_key like ? and kind = 'CAPTURE'",
                "capture:" + id + ":%").size() == done);
    }

    @Test
    void batchItemsLeaveChatItsShareOfADeployment() {
        Client user = Client.freshUser();
        String tag = UUID.randomUUID().toString();
        // two streams at most on this deployment, per server: batch items may hold one of them
        String id = create(user, Map.of("model", "sim-shared",
                "items", items(30, "[[sim tokens=2 ttft_ms=1500]] sharing " + tag, 10))).getString("id");
        await().pollInterval(Batching.POLL).atMost(Duration.ofSeconds(30)).until(() -> Db.rows(
                "select 1 from batch_item where batch_id = ?::uuid and status = 'done'", id).size() >= 1);

        for (int i = 0; i < 3; i++) {
            Api.Streamed chat = user.stream(Map.of("model", "sim-shared", "query", "[[sim tokens=2]] meanwhile " + i));
            assertThat(chat.status()).isEqualTo(200);
            assertThat(chat.named("error")).as(chat.body()).isEmpty();
        }
        assertThat(user.read("/api/v1/batches/" + id).getString("status")).isEqualTo("in_progress");
        user.post("/api/v1/batches/" + id + "/cancel", Map.of());
        awaitEnd(user, id);
    }

    @Test
    void theEventStreamResumesAfterTheLastEventItsClientSaw() throws Exception {
        Client user = Client.freshUser();
        String tag = UUID.randomUUID().toString();
        String id = create(user, Map.of("model", "sim-batch",
                "items", items(6, "[[sim tokens=2 ttft_ms=300]] watched " + tag, 10))).getString("id");

        // a client that saw two events and lost its connection
        List<SseEvent> firstTwo = new ArrayList<>();
        HttpResponse<InputStream> live = HttpClient.newHttpClient().send(Api.request("/api/v1/batches/" + id + "/events",
                user.token()).header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(live.statusCode()).isEqualTo(200);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(live.body(), StandardCharsets.UTF_8))) {
            String name = null;
            String eventId = null;
            for (String line = reader.readLine(); line != null && firstTwo.size() < 2; line = reader.readLine()) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("id:")) {
                    eventId = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    firstTwo.add(new SseEvent(name, eventId, line.substring(5).strip(), System.nanoTime()));
                }
            }
        }
        assertThat(firstTwo).hasSize(2);
        assertThat(firstTwo.get(0).name()).isEqualTo("batch.in_progress");

        Api.Streamed rest = Api.events("/api/v1/batches/" + id + "/events", user.token(),
                Map.of("Last-Event-ID", firstTwo.get(1).id()));
        Api.Streamed all = Api.events("/api/v1/batches/" + id + "/events", user.token(), Map.of());

        assertThat(rest.status()).isEqualTo(200);
        List<String> resumed = new ArrayList<>(firstTwo.stream().map(SseEvent::id).toList());
        resumed.addAll(rest.events().stream().map(SseEvent::id).toList());
        assertThat(resumed).isEqualTo(all.events().stream().map(SseEvent::id).toList());
        assertThat(all.events()).filteredOn(e -> e.name().equals("item")).hasSize(6)
                .allSatisfy(e -> assertThat(e.json().getString("status")).isEqualTo("done"));
        assertThat(all.events().get(all.events().size() - 1).name()).isEqualTo("batch.completed");
        assertThat(Api.events("/api/v1/batches/" + id + "/events", user.token(), Map.of("Last-Event-ID", "x")).status())
                .isEqualTo(400);
    }

    @Test
    void itemsMayComeAsLinesAndResultsGoOutAsCsv() {
        Client user = Client.freshUser();
        String tag = UUID.randomUUID().toString();
        String lines = "{\"custom_id\":\"x\",\"query\":\"[[sim tokens=3]] line one " + tag + "\",\"max_tokens\":10}\n"
                + "{\"custom_id\":\"y, with a comma\",\"messages\":[{\"role\":\"user\",\"content\":\"[[sim tokens=2]] line two "
                + tag + "\"}]}\n";
        HttpResponse<String> created = Api.send(Api.request("/api/v1/batches?model=sim-batch", user.token())
                .header("Content-Type", "application/jsonl")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(lines)).build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = Api.parse(created.body()).getString("id");
        assertThat(awaitEnd(user, id).getString("status")).isEqualTo("completed");

        HttpResponse<String> csv = Api.send(Api.request("/api/v1/batches/" + id + "/results", user.token())
                .header("Accept", "text/csv").GET().build());
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        List<String> rows = csv.body().lines().toList();
        assertThat(rows.get(0)).startsWith("custom_id,status,content");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(1)).startsWith("x,done,");
        assertThat(rows.get(2)).startsWith("\"y, with a comma\",done,");

        HttpResponse<String> badLine = Api.send(Api.request("/api/v1/batches?model=sim-batch", user.token())
                .header("Content-Type", "application/jsonl")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"custom_id\":\"a\",\"query\":\"q\"}\n{nope\n"))
                .build());
        assertThat(badLine.statusCode()).isEqualTo(400);
        assertThat(badLine.body()).contains("line 2").contains("request_id");
    }
}
