package dev.tollgate.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Chats;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.Front;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The credits API: what a user sees, what a billing admin may do. */
@ExtendWith(UsesSimulator.class)
class CreditsIT {

    private static String admin() {
        return Client.as(TestEnv.newUser().roles(List.of("billing_admin"))).token();
    }

    private static java.net.http.HttpResponse<String> grant(String token, String key, String company, long credits) {
        HttpRequest.Builder request = Api.request("/api/v1/admin/credits/grants", token)
                .header("Content-Type", "application/json")
                .POST(Api.json(Map.of("company_id", company, "credits", credits)));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return Api.send(request.build());
    }

    @Test
    void aUserSeesTheCompanyBalanceAndWhatTheirAnswersCostThisMonth() {
        DevJwt user = TestEnv.newUser();
        String token = Client.as(user).token();
        Api.Streamed answer = Chats.stream(token, "what does it cost [[sim tokens=5]]");
        long charged = answer.only("usage").json().getJsonNumber("credits_charged").longValue();

        await().untilAsserted(() -> {
            JsonObject credits = Api.parse(Api.get("/api/v1/credits", token).body());
            assertThat(credits.getString("company_id")).isEqualTo(user.company());
            assertThat(credits.getJsonNumber("balance").longValue()).isEqualTo(1000 - charged);
            assertThat(credits.getJsonNumber("used_this_month").longValue()).isEqualTo(charged);
            assertThat(credits.getJsonNumber("used_today").longValue()).isEqualTo(charged);
            assertThat(credits.containsKey("daily_limit")).isFalse();
        });
    }

    @Test
    void aRetriedChatWithTheSameIdempotencyKeyIsChargedOnce() {
        DevJwt user = TestEnv.newUser();
        String token = Client.as(user).token();
        String key = "chat-" + UUID.randomUUID();
        Map<String, String> body = Map.of("query", "retry me [[sim tokens=4]]");
        var first = Api.send(Api.request("/api/v1/chat", token).header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(Api.json(body)).build());
        var retry = Api.send(Api.request("/api/v1/chat", token).header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(Api.json(body)).build());

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(retry.statusCode()).isEqualTo(200);
        long charged = Api.parse(first.body()).getJsonObject("usage").getJsonNumber("credits_charged").longValue();
        assertThat(charged).isPositive();
        await().untilAsserted(() -> assertThat(
                Api.parse(Api.get("/api/v1/credits", token).body()).getJsonNumber("balance").longValue())
                .isEqualTo(1000 - charged));
        String retryId = retry.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(dev.tollgate.testing.Db.rows("select id from ledger_entry where request_id = ?", retryId)).isEmpty();

        var badKey = Api.send(Api.request("/api/v1/chat", token).header("Content-Type", "application/json")
                .header("Idempotency-Key", "has space").POST(Api.json(body)).build());
        assertThat(badKey.statusCode()).isEqualTo(400);
    }

    @ParameterizedTest
    @EnumSource(Front.class)
    void aCompanyAdminsLimitStopsAUsersRequestsWith402(Front front) {
        DevJwt user = TestEnv.newUser();
        String admin = Client.as(TestEnv.newUser().company(user.company()).roles(List.of("company_admin"))).token();
        var set = Api.send(Api.request("/api/v1/admin/credits/limits/" + user.subject(), admin)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"daily_credits\":1}")).build());
        assertThat(set.statusCode()).isEqualTo(200);

        Api.Streamed refused = front.stream(Client.as(user).token(), "over the limit [[sim tokens=1]]");
        assertThat(Api.parse(Api.get("/api/v1/credits", Client.as(user).token()).body())
                .getJsonNumber("daily_limit").longValue()).isEqualTo(1);

        assertThat(refused.status()).isEqualTo(402);
        assertThat(front.code(refused)).isEqualTo("spending_limit_reached");
        assertThat(Api.send(Api.request("/api/v1/admin/credits/limits/" + user.subject(), Client.as(user).token())
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"daily_credits\":1000}")).build()).statusCode()).isEqualTo(403);
    }

    @Test
    void aGrantIsBookedOncePerIdempotencyKeyAndTheLedgerStillAddsUp() {
        String company = "granted-" + UUID.randomUUID();
        String admin = admin();
        String key = "grant-" + UUID.randomUUID();

        var first = grant(admin, key, company, 500);
        var retried = grant(admin, key, company, 500);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(Api.parse(retried.body()).getBoolean("booked")).isFalse();
        // The first sight of the company opens its pool with the test server's 1000 credits.
        assertThat(Api.parse(retried.body()).getJsonNumber("balance").longValue()).isEqualTo(1500);
        JsonObject check = Api.parse(Api.get("/api/v1/admin/credits/check?company_id=" + company, admin).body());
        assertThat(check.getBoolean("consistent")).isTrue();
        assertThat(check.getJsonNumber("sum_of_entries").longValue()).isEqualTo(1500);
    }

    @Test
    void grantsNeedAnIdempotencyKeyAPositiveAmountAndTheBillingAdminRole() {
        String company = "granted-" + UUID.randomUUID();
        assertThat(grant(admin(), null, company, 10).statusCode()).isEqualTo(400);
        var negative = grant(admin(), "k-" + UUID.randomUUID(), company, -5);
        assertThat(negative.statusCode()).isEqualTo(400);
        assertThat(Api.parse(negative.body()).getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("credits");

        var notAdmin = grant(Chats.token(), "k-" + UUID.randomUUID(), company, 10);
        assertThat(notAdmin.statusCode()).isEqualTo(403);
        assertThat(notAdmin.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(Api.get("/api/v1/admin/credits/check?company_id=" + company, admin()).body()).contains("\"balance\":0");
    }

    @Test
    void aBillingAdminSeesHowEachHoldEnded() {
        DevJwt user = TestEnv.newUser();
        Chats.stream(Client.as(user).token(), "hold and capture [[sim tokens=3]]");
        String admin = admin();

        await().untilAsserted(() -> {
            var held = Api.get("/api/v1/admin/credits/reservations?company_id=" + user.company(), admin);
            assertThat(held.statusCode()).isEqualTo(200);
            var holds = Api.parseArray(held.body());
            assertThat(holds).hasSize(1);
            JsonObject hold = holds.getJsonObject(0);
            assertThat(hold.getString("status")).isEqualTo("captured");
            assertThat(hold.getString("purpose")).isEqualTo("turn");
            assertThat(hold.getJsonNumber("captured").longValue()).isPositive()
                    .isLessThanOrEqualTo(hold.getJsonNumber("amount").longValue());
        });
        assertThat(Api.parseArray(Api.get("/api/v1/admin/credits/reservations?status=open&company_id="
                + user.company(), admin).body())).isEmpty();
        assertThat(Api.get("/api/v1/admin/credits/reservations?status=lost&company_id=" + user.company(), admin)
                .statusCode()).isEqualTo(400);
        assertThat(Api.get("/api/v1/admin/credits/reservations?company_id=" + user.company(),
                Client.as(user).token()).statusCode()).isEqualTo(403);
    }
}
