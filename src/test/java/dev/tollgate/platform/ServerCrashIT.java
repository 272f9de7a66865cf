package dev.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.simulator.LlmSimulator;
import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.Simulator;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kill -9 of the second test server while it answers chats and works on a batch with the first
 * (so the build runs it after every test that needs both). What the docs promise: every answer a
 * client saw finish has its ledger capture and the audit row of that capture, committed in one
 * transaction before the answer is sent; the dead server's batch items are taken over by the
 * other server once their lease runs out, and no item is billed twice or called again once
 * answered. What may be lost is counted, not asserted away: an answer's summary row (written
 * just after it is sent) and denied requests still in the queue (its last quarter second).
 */
@ExtendWith(UsesSimulator.class)
class ServerCrashIT {

    private static final int ITEMS = 200;
    private static final List<String> answered = new ArrayList<>();
    private static final List<String> deniedSent = new ArrayList<>();
    private static Client batchOwner;
    private static String batchId;

    @BeforeAll
    static void killTheSecondServerUnderLoad() throws Exception {
        DevJwt user = TestEnv.newUser();
        String token = Client.as(user).token();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ConcurrentLinkedQueue<String> finished = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> denied = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(6);
        for (int t = 0; t < 6; t++) {
            boolean chats = t < 4;
            load.submit(() -> {
                while (running.get()) {
                    try {
                        if (chats) {
                            HttpResponse<String> answer = http.send(Api.requestTo(TestEnv.secondUrl(), "/api/v1/chat", token)
                                    .header("Content-Type", "application/json")
                                    .POST(Api.json(Map.of("query", "under load [[sim tokens=5 delay_ms=20]]"))).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (answer.statusCode() == 200) {
                                finished.add(Api.parse(answer.body()).getString("request_id"));
                            }
                        } else {
                            String requestId = "crash-denied-" + UUID.randomUUID();
                            http.send(Api.requestTo(TestEnv.secondUrl(), "/api/v1/sessions/" + UUID.randomUUID(), token)
                                    .header("X-Request-Id", requestId).GET().build(), HttpResponse.BodyHandlers.discarding());
                            denied.add(requestId);
                        }
                    } catch (Exception serverGone) {
                        return null;
                    }
                }
                return null;
            });
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> finished.size() >= 20);
        batchOwner = Client.freshUser();
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            items.add(Map.of("custom_id", "i" + i, "query", "[[sim tokens=2 ttft_ms=400]] crash " + i + " " + UUID.randomUUID(),
                    "max_tokens", 10));
        }
        HttpResponse<String> created = batchOwner.post("/api/v1/batches", Map.of("model", "sim-batch", "items", items));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        batchId = Api.parse(created.body()).getString("id");
        // both servers have answered items and there is work left for the second one's takeover
        await().atMost(Duration.ofSeconds(60)).until(() -> workers().size() >= 2);
        assertThat(Db.rows("select 1 from batch_item where batch_id = ?::uuid and status = 'queued'", batchId).size())
                .as("items still queued when the server is killed").isGreaterThan(ITEMS / 4);

        Path pidFile = Path.of(System.getProperty("tollgate.wlp.dir", "target/liberty/wlp"), "usr", "servers", ".pid",
                System.getProperty("tollgate.server2.name", "peer") + ".pid");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor()).isZero();
        running.set(false);
        load.shutdown();
        assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        answered.addAll(finished);
        deniedSent.addAll(denied);
    }

    /** The workers that have answered items of the batch (every test server runs some). */
    private static List<Object> workers() {
        return Db.rows("select distinct answered_by from batch_item where batch_id = ?::uuid and answered_by is not null",
                batchId).stream().map(r -> r.get("answered_by")).toList();
    }

    @Test
    void everyFinishedAnswerKeepsItsCaptureAndItsAuditRow() {
        for (String requestId : answered) {
            assertThat(Db.rows("select 1 from audit_event where request_id = ? and action = 'reservation.captured'",
                    requestId)).as("audit row of the capture of finished answer " + requestId).hasSize(1);
            assertThat(Db.rows("select 1 from ledger_entry where request_id = ? and kind = 'CAPTURE'", requestId))
                    .as("capture of finished answer " + requestId).hasSize(1);
        }
        long deniedRecorded = deniedSent.stream()
                .filter(id -> !Db.rows("select 1 from audit_event where request_id = ?", id).isEmpty()).count();
        long summarized = answered.stream().filter(id -> !Db.rows(
                "select 1 from audit_event where request_id = ? and action = 'chat.answer'", id).isEmpty()).count();
        System.out.printf("kill -9 under load: %d finished answers, all captured and audited; %d of them with their "
                + "summary row; %d of %d denied requests audited (the rest were queued when the JVM died)%n",
                answered.size(), summarized, deniedRecorded, deniedSent.size());
        assertThat(deniedRecorded).isPositive();
    }

    @Test
    void theBatchIsFinishedByTheOtherServerAndEachItemIsBilledAndCalledAsOftenAsItWasTried() {
        JsonObject ended = await().atMost(Duration.ofSeconds(120)).until(() -> batchOwner.read("/api/v1/batches/" + batchId),
                b -> !"in_progress".equals(b.getString("status")));
        assertThat(ended.getString("status")).isEqualTo("completed");
        assertThat(ended.getJsonObject("counts").getInt("completed")).isEqualTo(ITEMS);

        List<Map<String, Object>> items = Db.rows("select idx, attempts, answered_by, credits from batch_item "
                + "where batch_id = ?::uuid order by idx", batchId);
        Map<String, Long> capturesByKey = Db.rows("select idempotency_key from ledger_entry "
                        + "where idempotency_key like ? and kind = 'CAPTURE'", "capture:" + batchId + ":%").stream()
                .collect(Collectors.groupingBy(r -> (String) r.get("idempotency_key"), Collectors.counting()));
        List<LlmSimulator.SeenRequest> seen = Simulator.get().seen();
        long takenOver = 0;
        for (Map<String, Object> item : items) {
            int idx = ((Number) item.get("idx")).intValue();
            int attempts = ((Number) item.get("attempts")).intValue();
            assertThat(capturesByKey.get("capture:" + batchId + ":" + idx)).as("captures of item " + idx).isEqualTo(1L);
            String prefix = "batch-" + batchId + "-" + idx + "-";
            long calls = seen.stream().filter(r -> r.requestId() != null && r.requestId().startsWith(prefix)).count();
            // a try the dead server had claimed may have died before its call; none is made twice
            assertThat(calls).as("upstream calls of item %d, answered on try %d", idx, attempts).isBetween(1L, (long) attempts);
            if (attempts == 1) {
                assertThat(calls).as("upstream calls of item %d, answered on its first try", idx).isEqualTo(1);
            }
            assertThat(seen.stream().filter(r -> (prefix + attempts).equals(r.requestId())).count())
                    .as("calls of the try that answered item %d", idx).isEqualTo(1);
            if (attempts > 1) {
                takenOver++;
            }
        }
        assertThat(takenOver).as("items the dead server held, taken over").isPositive();
        assertThat(workers()).hasSizeGreaterThanOrEqualTo(2);
        long credits = items.stream().mapToLong(i -> ((Number) i.get("credits")).longValue()).sum();
        assertThat(ended.getJsonObject("credits").getJsonNumber("captured").longValue()).isEqualTo(credits);
        JsonObject check = batchOwner.colleague("billing_admin")
                .read("/api/v1/admin/credits/check?company_id=" + batchOwner.company());
        assertThat(check.getBoolean("consistent")).isTrue();
        System.out.printf("kill -9 mid-batch: %d items answered, %d taken over from the dead server, each billed once%n",
                items.size(), takenOver);
    }
}
