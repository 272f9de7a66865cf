package dev.tollgate.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Chats;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(UsesSimulator.class)
class LedgerIT {

    private static List<JsonObject> allPages(String token, int limit) {
        List<JsonObject> entries = new ArrayList<>();
        String cursor = "";
        do {
            JsonObject page = Api.parse(Api.get("/api/v1/credits/ledger?limit=" + limit + "&cursor=" + cursor, token).body());
            entries.addAll(page.getJsonArray("items").getValuesAs(JsonObject.class));
            cursor = page.containsKey("next_cursor") ? page.getString("next_cursor") : null;
        } while (cursor != null);
        return entries;
    }

    private static void chat(DevJwt user) {
        String token = Client.as(user).token();
        assertThat(Chats.stream(token, "ledger me [[sim tokens=2]]").status()).isEqualTo(200);
        await().until(() -> !Db.rows("select id from audit_event where user_id = ? and action = 'chat.stream'", user.subject()).isEmpty());
    }

    @Test
    void usersSeeTheirOwnEntriesAndCompanyAdminsTheCompanysPageByPage() {
        String company = "company-" + UUID.randomUUID();
        DevJwt alice = TestEnv.newUser().company(company);
        DevJwt bob = TestEnv.newUser().company(company);
        chat(alice);
        chat(bob);
        chat(TestEnv.newUser()); // another company

        List<JsonObject> alices = allPages(Client.as(alice).token(), 2);
        assertThat(alices).extracting(e -> e.getString("kind")).containsExactly("CAPTURE", "RELEASE", "RESERVE");
        assertThat(alices).allSatisfy(e -> assertThat(e.getString("user_id")).isEqualTo(alice.subject()));

        String admin = Client.as(TestEnv.newUser().company(company).roles(List.of("company_admin"))).token();
        List<JsonObject> companys = allPages(admin, 4);
        assertThat(companys).hasSize(7); // the pool's grant and two turns of three entries
        assertThat(companys.stream().mapToLong(e -> e.getJsonNumber("amount").longValue()).sum())
                .isEqualTo(((Number) Db.rows("select balance from credit_account where company_id = ?", company)
                        .get(0).get("balance")).longValue());
    }

    @Test
    void companyAdminsExportAPeriodAsCsvAndUsersMayNot() {
        String company = "company-" + UUID.randomUUID();
        DevJwt user = TestEnv.newUser().company(company);
        Instant from = Instant.now().minusSeconds(60);
        chat(user);
        String period = "?from=" + from + "&to=" + Instant.now().plusSeconds(60);
        String admin = Client.as(TestEnv.newUser().company(company).roles(List.of("company_admin"))).token();

        var csv = Api.send(Api.request("/api/v1/credits/ledger" + period, admin).header("Accept", "text/csv").GET().build());

        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/csv"));
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo("id,kind,amount,request_id,session_id,user_id,model,created_at");
        assertThat(lines).hasSize(5); // header, grant, reserve, release, capture
        assertThat(lines.subList(1, 5)).allSatisfy(line -> assertThat(line).containsAnyOf(",sim-1,", ",GRANT,"));

        var refused = Api.send(Api.request("/api/v1/credits/ledger" + period, Client.as(user).token())
                .header("Accept", "text/csv").GET().build());
        assertThat(refused.statusCode()).isEqualTo(403);
        var badPeriod = Api.send(Api.request("/api/v1/credits/ledger?from=yesterday&to=now", admin)
                .header("Accept", "text/csv").GET().build());
        assertThat(badPeriod.statusCode()).isEqualTo(400);
    }
}
