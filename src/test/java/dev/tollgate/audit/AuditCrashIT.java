package dev.tollgate.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kill -9 of a server under load (the second test server, so it runs in the last failsafe
 * execution). What the docs promise: every answer a client saw finish has its ledger capture and
 * the audit row of that capture, committed in one transaction before the answer is sent. What
 * may be lost is counted, not asserted away: the answer's summary row (written just after it is
 * sent) and denied requests still in the queue (its last quarter second).
 */
@ExtendWith(UsesSimulator.class)
class AuditCrashIT {

    @Test
    void aServerKilledMidLoadLosesNoAuditRowTiedToMoney() throws Exception {
        DevJwt user = TestEnv.newUser();
        String token = Client.as(user).token();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ConcurrentLinkedQueue<String> finished = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> deniedSent = new ConcurrentLinkedQueue<>();
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
                            deniedSent.add(requestId);
                        }
                    } catch (Exception serverGone) {
                        return null;
                    }
                }
                return null;
            });
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> finished.size() >= 20);

        Path pidFile = Path.of(System.getProperty("tollgate.wlp.dir", "target/liberty/wlp"), "usr", "servers", ".pid",
                System.getProperty("tollgate.server2.name", "peer") + ".pid");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor()).isZero();
        running.set(false);
        load.shutdown();
        assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        List<String> answered = List.copyOf(finished);
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
}
