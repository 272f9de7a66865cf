package dev.tollgate.batch;

import static dev.tollgate.batch.Batching.awaitEnd;
import static dev.tollgate.batch.Batching.create;
import static dev.tollgate.batch.Batching.items;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.UsesSimulator;
import dev.tollgate.testing.Webhooks;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A batch's end told to its webhook: signed with the company's secret, retried, one event id, given up in time. */
@ExtendWith(UsesSimulator.class)
class BatchWebhooksIT {

    /** One POST as the receiver saw it. */
    record Received(String eventId, String timestamp, String signature, String body) {
    }

    private HttpServer receiver;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    /** How many deliveries to refuse with a 500 before answering 204; -1 for all of them. */
    private final AtomicInteger refuse = new AtomicInteger();

    @BeforeEach
    void listen() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var headers = exchange.getRequestHeaders();
            received.add(new Received(headers.getFirst("X-Tollgate-Event-Id"), headers.getFirst("X-Tollgate-Timestamp"),
                    headers.getFirst("X-Tollgate-Signature"), body));
            int left = refuse.getAndUpdate(n -> n > 0 ? n - 1 : n);
            exchange.sendResponseHeaders(left != 0 ? 500 : 204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    private String hook() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    @Test
    void theEndIsDeliveredSignedAndRetriedUnderOneEventIdUntilTheReceiverTakesIt() {
        Client user = Client.freshUser();
        refuse.set(2);
        JsonObject batch = create(user, Map.of("model", "sim-batch", "webhook_url", hook(),
                "metadata", Map.of("job", "nightly"),
                "items", items(3, "[[sim tokens=2]] hooked " + UUID.randomUUID(), 10)));
        String id = batch.getString("id");
        assertThat(awaitEnd(user, id).getString("status")).isEqualTo("completed");

        JsonObject delivered = await().pollInterval(Batching.POLL).atMost(Duration.ofSeconds(30)).until(() -> user.read("/api/v1/batches/" + id),
                b -> !b.getJsonArray("webhooks").isEmpty()
                        && "delivered".equals(b.getJsonArray("webhooks").getJsonObject(0).getString("status")));
        JsonObject log = delivered.getJsonArray("webhooks").getJsonObject(0);
        assertThat(log.getInt("attempts")).isEqualTo(3);
        assertThat(log.getInt("last_status")).isEqualTo(204);

        List<Received> posts = List.copyOf(received);
        assertThat(posts).hasSize(3);
        String secret = user.colleague("company_admin").read("/api/v1/admin/webhooks/secret").getString("secret");
        assertThat(posts).allSatisfy(post -> {
            // a receiver dedupes by the event id: the same for every try of one event
            assertThat(post.eventId()).isEqualTo(log.getString("event_id"));
            assertThat(post.signature()).isEqualTo(Webhooks.signature(secret, Long.parseLong(post.timestamp()), post.body()));
            assertThat(Math.abs(Long.parseLong(post.timestamp()) - Instant.now().getEpochSecond())).isLessThan(120);
        });
        assertThat(posts.stream().map(Received::body).distinct()).hasSize(1);
        JsonObject event = Api.parse(posts.get(0).body());
        assertThat(event.getString("id")).isEqualTo(posts.get(0).eventId());
        assertThat(event.getString("type")).isEqualTo("batch.completed");
        assertThat(event.getJsonObject("data").getString("id")).isEqualTo(id);
        assertThat(event.getJsonObject("data").getJsonObject("request_counts").getInt("completed")).isEqualTo(3);
        assertThat(event.getJsonObject("data").getJsonObject("metadata").getString("job")).isEqualTo("nightly");
        assertThat(event.toString()).doesNotContain("hooked");

        // a secret rotated by the company admin signs what follows; the old one no longer verifies
        String rotated = Api.parse(user.colleague("company_admin").post("/api/v1/admin/webhooks/secret/rotate", Map.of())
                .body()).getString("secret");
        assertThat(rotated).isNotEqualTo(secret);
        received.clear();
        String next = create(user, Map.of("model", "sim-batch", "webhook_url", hook(),
                "items", items(1, "[[sim tokens=2]] rotated " + UUID.randomUUID(), 10))).getString("id");
        await().pollInterval(Batching.POLL).atMost(Duration.ofSeconds(30)).until(() -> !received.isEmpty());
        Received signedAnew = received.peek();
        assertThat(Api.parse(signedAnew.body()).getJsonObject("data").getString("id")).isEqualTo(next);
        assertThat(signedAnew.signature())
                .isEqualTo(Webhooks.signature(rotated, Long.parseLong(signedAnew.timestamp()), signedAnew.body()))
                .isNotEqualTo(Webhooks.signature(secret, Long.parseLong(signedAnew.timestamp()), signedAnew.body()));
    }

    @Test
    void aReceiverThatNeverAnswersIsGivenUpOnAfterTheConfiguredTime() {
        Client user = Client.freshUser();
        refuse.set(-1);
        String id = create(user, Map.of("model", "sim-batch", "webhook_url", hook(),
                "items", items(1, "[[sim tokens=2]] unheard " + UUID.randomUUID(), 10))).getString("id");

        JsonObject given = await().pollInterval(Batching.POLL).atMost(Duration.ofSeconds(40)).until(() -> user.read("/api/v1/batches/" + id),
                b -> !b.getJsonArray("webhooks").isEmpty()
                        && "given_up".equals(b.getJsonArray("webhooks").getJsonObject(0).getString("status")));
        JsonObject log = given.getJsonArray("webhooks").getJsonObject(0);
        assertThat(log.getInt("attempts")).isGreaterThan(1).isEqualTo(received.size());
        assertThat(log.getInt("last_status")).isEqualTo(500);
    }

    @Test
    void aWebhookToAHostNotOnTheAllowListIsRefusedBeforeAnythingIsHeld() {
        Client user = Client.freshUser();
        for (String url : List.of("http://169.254.169.254/latest/meta-data", "http://localhost:" + receiver.getAddress().getPort()
                + "/hook", "file:///etc/passwd", "http://user:pw@127.0.0.1/hook")) {
            HttpResponse<String> refused = user.post("/api/v1/batches", Map.of("model", "sim-batch", "webhook_url", url,
                    "items", items(1, "q", 10)));
            assertThat(refused.statusCode()).as(url).isEqualTo(400);
            assertThat(refused.body()).contains("webhook_url");
        }
        assertThat(user.reservations(null)).isEmpty();
        assertThat(received).isEmpty();
    }
}
