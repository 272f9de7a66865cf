package dev.tollgate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Chats;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Limits hold across the two test servers: requests alternate between them and the count is
 * one. Each test gives a fresh company its own tight limits through the admin endpoint.
 */
@ExtendWith(UsesSimulator.class)
class RateLimitsIT {

    private static final String[] SERVERS = {TestEnv.baseUrl(), TestEnv.secondUrl()};

    private static void limit(String company, Map<String, Integer> limits) {
        String admin = Client.as(TestEnv.newUser().roles(List.of("billing_admin"))).token();
        var set = Api.send(Api.request("/api/v1/admin/rate-limits/" + company, admin)
                .header("Content-Type", "application/json").PUT(Api.json(limits)).build());
        assertThat(set.statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> credits(int i, String token) {
        return Api.send(Api.requestTo(SERVERS[i % 2], "/api/v1/credits", token).GET().build());
    }

    private static void assertTooMany(HttpResponse<?> response) {
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void requestsPerMinuteAreCountedOnceForBothServers() {
        DevJwt alice = TestEnv.newUser();
        DevJwt bob = TestEnv.newUser().company(alice.company());
        limit(alice.company(), Map.of("user_requests_per_minute", 6, "company_requests_per_minute", 9));
        // The counts are per minute of the clock: start where the whole test fits in one.
        await().atMost(Duration.ofSeconds(61)).until(() -> LocalTime.now(ZoneOffset.UTC).getSecond() < 45);
        String alicesToken = Client.as(alice).token();
        String bobsToken = Client.as(bob).token();

        for (int i = 0; i < 6; i++) {
            assertThat(credits(i, alicesToken).statusCode()).isEqualTo(200);
        }
        assertTooMany(credits(0, alicesToken));
        assertTooMany(credits(1, alicesToken));
        // Bob has his own six, but the company only three more
        for (int i = 0; i < 3; i++) {
            assertThat(credits(i, bobsToken).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> companyFull = credits(1, bobsToken);
        assertTooMany(companyFull);
        assertThat(Api.parse(companyFull.body()).getString("detail")).contains("company");
        // Another company is untouched.
        assertThat(credits(0, Client.freshUser().token()).statusCode()).isEqualTo(200);
        // and every refusal is in the audit log
        await().untilAsserted(() -> assertThat(Db.rows("select 1 from audit_event where company_id = ? "
                + "and action = 'request.denied' and outcome = '429'", alice.company())).hasSize(3));
    }

    @Test
    void openStreamsAreCountedAcrossServersAndGivenBackWhenTheyEnd() throws Exception {
        DevJwt alice = TestEnv.newUser();
        DevJwt bob = TestEnv.newUser().company(alice.company());
        limit(alice.company(), Map.of("user_max_streams", 2, "company_max_streams", 3));
        String alicesToken = Client.as(alice).token();
        String bobsToken = Client.as(bob).token();
        Map<String, String> slow = Map.of("query", "stay a while [[sim tokens=400 delay_ms=50]]");
        List<HttpResponse<InputStream>> open = new ArrayList<>();
        try {
            open.add(Api.openStreamOn(SERVERS[0], alicesToken, slow));
            open.add(Api.openStreamOn(SERVERS[1], alicesToken, slow));
            assertThat(open).extracting(HttpResponse::statusCode).containsOnly(200);

            HttpResponse<InputStream> third = Api.openStreamOn(SERVERS[0], alicesToken, slow);
            third.body().close();
            assertTooMany(third);

            HttpResponse<InputStream> bobsFirst = Api.openStreamOn(SERVERS[1], bobsToken, slow);
            open.add(bobsFirst);
            assertThat(bobsFirst.statusCode()).isEqualTo(200);
            HttpResponse<InputStream> bobsSecond = Api.openStreamOn(SERVERS[0], bobsToken, slow);
            bobsSecond.body().close();
            assertTooMany(bobsSecond); // Bob is under his own limit; the company is full

            open.remove(0).body().close(); // Alice hangs up one answer: its slot comes back
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                HttpResponse<InputStream> again = Api.openStreamOn(SERVERS[1], alicesToken, slow);
                if (again.statusCode() == 200) {
                    open.add(again);
                    return true;
                }
                again.body().close();
                return false;
            });
        } finally {
            for (var response : open) {
                response.body().close();
            }
        }
    }

    @Test
    void aTurnOnAnExistingSessionIsLimitedAndRefusedWithoutAHold() throws Exception {
        DevJwt alice = TestEnv.newUser();
        limit(alice.company(), Map.of("user_max_streams", 1));
        String token = Client.as(alice).token();
        String session = Chats.startSession(token);
        Map<String, String> slow = Map.of("session_id", session, "query", "stay a while [[sim tokens=400 delay_ms=50]]");
        HttpResponse<InputStream> first = Api.openStreamOn(SERVERS[0], token, slow);
        try {
            assertThat(first.statusCode()).isEqualTo(200);

            HttpResponse<InputStream> second = Api.openStreamOn(SERVERS[1], token, slow);
            second.body().close();

            assertTooMany(second);
            String requestId = second.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(Db.rows("select 1 from credit_reservation where request_id = ?", requestId)).isEmpty();
            assertThat(Db.rows("select 1 from stream_slot where company_id = ?", alice.company())).hasSize(1);
        } finally {
            first.body().close();
        }
    }

    @Test
    void parallelRequestsCannotSqueezeIntoTheLastSlots() throws Exception {
        DevJwt first = TestEnv.newUser();
        limit(first.company(), Map.of("company_max_streams", 3));
        Map<String, String> slow = Map.of("query", "stay a while [[sim tokens=400 delay_ms=50]]");
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            tokens.add((i == 0 ? first : TestEnv.newUser().company(first.company())).sign(TestEnv.keysDir()));
        }
        var pool = Executors.newFixedThreadPool(tokens.size());
        var start = new CountDownLatch(1);
        List<Future<HttpResponse<InputStream>>> asked = new ArrayList<>();
        try {
            for (int i = 0; i < tokens.size(); i++) {
                String server = SERVERS[i % 2];
                String token = tokens.get(i);
                asked.add(pool.submit(() -> {
                    start.await();
                    return Api.openStreamOn(server, token, slow);
                }));
            }
            start.countDown();
            List<HttpResponse<InputStream>> answers = new ArrayList<>();
            for (var answer : asked) {
                answers.add(answer.get(60, TimeUnit.SECONDS));
            }
            try {
                // twelve users of one company at once, on two servers: the company's three slots, no more
                assertThat(answers).filteredOn(r -> r.statusCode() == 200).hasSize(3);
                answers.stream().filter(r -> r.statusCode() != 200).forEach(RateLimitsIT::assertTooMany);
            } finally {
                for (var answer : answers) {
                    answer.body().close();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void onlyABillingAdminSetsLimits() {
        String user = Client.freshUser().token();
        var refused = Api.send(Api.request("/api/v1/admin/rate-limits/anyone", user)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"user_max_streams\":1000}")).build());
        assertThat(refused.statusCode()).isEqualTo(403);
    }
}
