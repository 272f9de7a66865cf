package dev.tollgate.credits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Db;
import jakarta.json.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Usage reported by the LLM service (Option B), signed with the shared secret. */
class UsageWebhookIT {

    private static final String SECRET = System.getProperty("tollgate.webhook.secret");

    private static String event(String eventId, String company) {
        return Json.createObjectBuilder().add("event_id", eventId).add("company_id", company)
                .add("user_id", "direct-user").add("model", "sim-1")
                .add("prompt_tokens", 1000).add("completion_tokens", 2000).build().toString();
    }

    private static HttpResponse<String> post(String body, long timestamp, String signature) {
        HttpRequest.Builder request = Api.request("/api/v1/webhooks/usage", null)
                .header("Content-Type", "application/json")
                .header("X-Tollgate-Timestamp", String.valueOf(timestamp))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("X-Tollgate-Signature", signature);
        }
        return Api.send(request.build());
    }

    private static HttpResponse<String> signedPost(String body, long timestamp) {
        return post(body, timestamp, "sha256=" + WebhookSignature.sign(SECRET, timestamp + "." + body));
    }

    private static long balance(String company) {
        var rows = Db.rows("select balance from credit_account where company_id = ?", company);
        return rows.isEmpty() ? 0 : ((Number) rows.get(0).get("balance")).longValue();
    }

    @Test
    void aSignedEventIsBookedOnceHoweverOftenItIsDelivered() {
        String company = "direct-" + UUID.randomUUID();
        String eventId = "evt-" + UUID.randomUUID();
        String body = event(eventId, company);
        long now = Instant.now().getEpochSecond();

        var first = signedPost(body, now);
        var again = signedPost(body, now + 1);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(Api.parse(again.body()).getBoolean("booked")).isFalse();
        // sim-1 costs 10 per 1,000 prompt and 30 per 1,000 completion tokens on the test server.
        assertThat(Api.parse(first.body()).getJsonNumber("credits").longValue()).isEqualTo(70);
        assertThat(balance(company)).isEqualTo(1000 - 70);
        assertThat(Db.rows("select id from ledger_entry where idempotency_key = ?", "usage:" + eventId)).hasSize(1);
        // both deliveries are audited, in the transaction that booked (or refused to book) them
        assertThat(Db.rows("select outcome from audit_event where company_id = ? and action = 'usage.reported' order by id",
                company)).extracting(row -> row.get("outcome")).containsExactly("ok", "duplicate");
    }

    @Test
    void wrongMissingOrStaleSignaturesAre401AndBookNothing() {
        String company = "direct-" + UUID.randomUUID();
        String body = event("evt-" + UUID.randomUUID(), company);
        long now = Instant.now().getEpochSecond();

        assertThat(post(body, now, "sha256=" + WebhookSignature.sign("not-the-secret", now + "." + body)).statusCode()).isEqualTo(401);
        assertThat(post(body, now, null).statusCode()).isEqualTo(401);
        assertThat(signedPost(body, now - 330).statusCode()).isEqualTo(401);
        assertThat(signedPost(body, now + 330).statusCode()).isEqualTo(401);
        String tampered = body.replace("2000", "1");
        var response = post(tampered, now, "sha256=" + WebhookSignature.sign(SECRET, now + "." + body));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(balance(company)).isZero();
    }

    @Test
    void signedButMalformedOrIncompleteEventsAreClientErrors() {
        long now = Instant.now().getEpochSecond();
        assertThat(signedPost("{not json", now).statusCode()).isEqualTo(400);
        assertThat(signedPost("{\"event_id\":\"e1\"}", now).statusCode()).isEqualTo(422);
        assertThat(signedPost(event("evt-" + UUID.randomUUID(), "c").replace("\"sim-1\"", "\"unpriced\""), now).statusCode())
                .isEqualTo(422);
    }
}
