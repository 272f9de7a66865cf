package dev.tollgate.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Chats;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.Simulator;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ledger against the LLM service's usage report: what is missing is booked once. */
@ExtendWith(UsesSimulator.class)
class ReconciliationIT {

    private static JsonObject reconcile(String admin) {
        var response = Api.send(Api.request("/api/v1/admin/credits/reconciliation", admin)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(response.statusCode()).isEqualTo(200);
        return Api.parse(response.body());
    }

    @Test
    void usageTheLedgerMissedIsBookedOnceAsAnAdjustmentAndTheRunIsShown() {
        DevJwt user = TestEnv.newUser();
        String token = Client.as(user).token();
        assertThat(Chats.stream(token, "billed through Tollgate [[sim tokens=3]]").status()).isEqualTo(200);
        await().until(() -> !Db.rows("select id from audit_event where user_id = ? and action = 'chat.stream'", user.subject()).isEmpty());
        String missed = "direct-" + UUID.randomUUID();
        // A direct call whose webhook never arrived: 2,000 prompt + 1,000 completion tokens = 50 credits.
        Simulator.get().recordUsage(missed, user.company(), user.subject(), "sim-1", 2000, 1000);
        String admin = Client.as(TestEnv.newUser().roles(List.of("billing_admin"))).token();

        JsonObject first = reconcile(admin);
        JsonObject second = reconcile(admin);

        assertThat(first.getInt("adjustments")).isGreaterThanOrEqualTo(1);
        assertThat(first.getInt("checked")).isPositive();
        var adjustments = Db.rows("select amount from ledger_entry where request_id = ? and kind = 'ADJUSTMENT'", missed);
        assertThat(adjustments).hasSize(1);
        assertThat(((Number) adjustments.get(0).get("amount")).longValue()).isEqualTo(-50);
        assertThat(Db.rows("select credits from audit_event where request_id = ? and action = 'reconciliation.adjustment'",
                missed)).extracting(row -> ((Number) row.get("credits")).longValue()).containsExactly(50L);
        assertThat(second.getInt("checked")).isGreaterThanOrEqualTo(first.getInt("checked"));
        assertThat(Db.rows("select id from ledger_entry where request_id = ?", missed)).hasSize(1);
        var shown = Api.parse(Api.get("/api/v1/admin/credits/reconciliation", admin).body());
        assertThat(shown.getJsonNumber("id").longValue()).isEqualTo(second.getJsonNumber("id").longValue());
        long balance = ((Number) Db.rows("select balance from credit_account where company_id = ?", user.company())
                .get(0).get("balance")).longValue();
        long total = ((Number) Db.rows("select sum(amount) as t from ledger_entry where company_id = ?", user.company())
                .get(0).get("t")).longValue();
        assertThat(balance).isEqualTo(total);
    }

    @Test
    void onlyBillingAdminsReconcile() {
        var refused = Api.send(Api.request("/api/v1/admin/credits/reconciliation", Chats.token())
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(refused.statusCode()).isEqualTo(403);
    }
}
