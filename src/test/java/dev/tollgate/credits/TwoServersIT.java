package dev.tollgate.credits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two Tollgate servers on one database: the database, not either JVM, decides who gets credits. */
@ExtendWith(UsesSimulator.class)
class TwoServersIT {

    @Test
    void aPoolWorthTenHoldsAdmitsExactlyTenOfFortySimultaneousRequestsOverTwoServers() {
        DevJwt user = TestEnv.newUser();
        String token = Client.as(user).token();
        // Opens the pool (1000 credits) through the second server, and checks that it serves.
        var opened = Api.send(Api.requestTo(TestEnv.secondUrl(), "/api/v1/credits", token).GET().build());
        assertThat(opened.statusCode()).isEqualTo(200);
        // Each request holds 100 credits (3,300 max tokens at 30 per 1,000, plus a short prompt)
        // and keeps the hold for an 8-second answer, so all forty are decided while the first ten
        // still hold theirs, even on a slow machine.
        Map<String, Object> body = Map.of("query", "hold [[sim tokens=20 delay_ms=400]]", "max_tokens", 3300);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> requests = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String server = i % 2 == 0 ? TestEnv.baseUrl() : TestEnv.secondUrl();
            requests.add(http.sendAsync(Api.requestTo(server, "/api/v1/chat", token)
                    .header("Content-Type", "application/json").POST(Api.json(body)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = requests.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList();

        assertThat(statuses).filteredOn(s -> s == 200).hasSize(10);
        assertThat(statuses).filteredOn(s -> s == 402).hasSize(30);
        long balance = ((Number) Db.rows("select balance from credit_account where company_id = ?", user.company())
                .get(0).get("balance")).longValue();
        long total = ((Number) Db.rows("select sum(amount) as t from ledger_entry where company_id = ?", user.company())
                .get(0).get("t")).longValue();
        assertThat(balance).isEqualTo(total).isGreaterThan(0);
    }
}
