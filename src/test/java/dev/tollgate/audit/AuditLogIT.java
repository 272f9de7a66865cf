package dev.tollgate.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Chats;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the audit log records, and what an auditor can read of it: only their own company's. */
@ExtendWith(UsesSimulator.class)
class AuditLogIT {

    private static String auditorOf(DevJwt user) {
        return Client.as(TestEnv.newUser().company(user.company()).roles(List.of("auditor"))).token();
    }

    private static JsonArray events(String auditor, String query) {
        HttpResponse<String> response = Api.get("/api/v1/audit/events?limit=500" + query, auditor);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Api.parse(response.body()).getJsonArray("items");
    }

    private static List<String> actions(JsonArray events) {
        return events.stream().map(e -> e.asJsonObject().getString("action")).toList();
    }

    private static JsonObject verify(String auditor) {
        HttpResponse<String> response = Api.get("/api/v1/audit/verify", auditor);
        assertThat(response.statusCode()).isEqualTo(200);
        return Api.parse(response.body());
    }

    @Test
    void everyActionOfAUserIsRecordedWithoutItsText() {
        DevJwt user = TestEnv.newUser();
        String token = Client.as(user).token();
        String auditor = auditorOf(user);
        Api.Streamed chat = Chats.stream(token, "audit me AUDIT-TEXT-MARKER [[sim tokens=3]]");
        String session = chat.only("meta").json().getString("session_id");
        assertThat(Api.send(Api.request("/api/v1/llm-tokens", token).header("Content-Type", "application/json")
                .POST(Api.json(Map.of("session_id", session))).build()).statusCode()).isEqualTo(201);
        assertThat(Api.get("/api/v1/sessions/" + Chats.startSession(Chats.token()), token).statusCode()).isEqualTo(404);
        String admin = Client.as(TestEnv.newUser().company(user.company()).roles(List.of("user", "company_admin"))).token();
        Api.send(Api.request("/api/v1/admin/credits/limits/" + user.subject(), admin).header("Content-Type", "application/json")
                .PUT(Api.json(Map.of("daily_credits", 1))).build());
        assertThat(Chats.stream(token, "too dear [[sim tokens=3]]").status()).isEqualTo(402);
        assertThat(Api.send(Api.request("/api/v1/sessions/" + session, token).DELETE().build()).statusCode()).isEqualTo(204);
        String billing = Client.as(TestEnv.newUser().roles(List.of("billing_admin"))).token();
        Api.send(Api.request("/api/v1/admin/credits/grants", billing).header("Content-Type", "application/json")
                .header("Idempotency-Key", "audit-" + user.company())
                .POST(Api.json(Map.of("company_id", user.company(), "credits", 5))).build());

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(actions(events(auditor, ""))).contains("chat.stream", "session.create", "reservation.captured",
                    "llm_token.issue", "session.delete", "credits.grant");
            assertThat(events(auditor, "&action=request.denied").stream().map(e -> e.asJsonObject().getString("outcome")))
                    .contains("404", "402");
        });
        JsonArray all = events(auditor, "");
        JsonObject answer = all.stream().map(JsonValue::asJsonObject)
                .filter(e -> e.getString("action").equals("chat.stream")).findFirst().orElseThrow();
        assertThat(answer.getString("user_id")).isEqualTo(user.subject());
        assertThat(answer.getString("roles")).isEqualTo("user");
        assertThat(answer.getString("model")).isEqualTo("sim-1");
        assertThat(answer.getInt("completion_tokens")).isEqualTo(3);
        assertThat(answer.getJsonNumber("credits").longValue()).isPositive();
        assertThat(answer.getString("request_id")).isEqualTo(chat.only("meta").json().getString("request_id"));
        assertThat(answer.getString("client_address")).isNotBlank();
        assertThat(answer.getString("user_agent")).isNotBlank();
        assertThat(answer.getJsonNumber("ttft_ms").longValue()).isLessThanOrEqualTo(answer.getJsonNumber("latency_ms").longValue());
        assertThat(all.toString()).doesNotContain("AUDIT-TEXT-MARKER");
    }

    @Test
    void aRequestWithoutAValidTokenIsRecordedToo() {
        String requestId = "audit-401-" + java.util.UUID.randomUUID();
        HttpResponse<String> refused = Api.send(Api.request("/api/v1/credits", "not-a-token")
                .header("X-Request-Id", requestId).GET().build());
        assertThat(refused.statusCode()).isEqualTo(401);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                Db.rows("select action, outcome, target from audit_event where request_id = ?", requestId))
                .singleElement().satisfies(row -> {
                    assertThat(row.get("action")).isEqualTo("request.denied");
                    assertThat(row.get("outcome")).isEqualTo("401");
                    assertThat(row.get("target")).isEqualTo("GET /api/v1/credits");
                }));
    }

    @Test
    void anAuditorSeesOnlyTheirCompanyAndOnlyAuditorsSeeAnything() {
        DevJwt alice = TestEnv.newUser();
        DevJwt bob = TestEnv.newUser();
        Chats.stream(Client.as(alice).token(), "alice [[sim tokens=1]]");
        Chats.stream(Client.as(bob).token(), "bob [[sim tokens=1]]");

        await().untilAsserted(() -> assertThat(actions(events(auditorOf(alice), ""))).contains("chat.stream"));
        JsonArray seen = events(auditorOf(alice), "&user_id=" + bob.subject());
        assertThat(seen).isEmpty();
        assertThat(events(auditorOf(alice), "").stream().map(e -> e.asJsonObject().getString("company_id")).distinct())
                .containsExactly(alice.company());
        assertThat(Api.get("/api/v1/audit/events", Client.as(alice).token()).statusCode()).isEqualTo(403);
        String billingAdmin = Client.as(TestEnv.newUser().company(alice.company()).roles(List.of("billing_admin"))).token();
        assertThat(Api.get("/api/v1/audit/verify", billingAdmin).statusCode()).isEqualTo(403);
    }

    @Test
    void filtersAndCursorPagesFindEveryEventOnce() {
        DevJwt user = TestEnv.newUser();
        String token = Client.as(user).token();
        for (int i = 0; i < 3; i++) {
            Chats.stream(token, "page " + i + " [[sim tokens=1]]");
        }
        Chats.stream(token, "broken [[sim fault=http500]]");
        String auditor = auditorOf(user);
        await().untilAsserted(() -> assertThat(events(auditor, "&action=chat.stream")).hasSize(4));

        assertThat(events(auditor, "&action=chat.stream&outcome=ok")).hasSize(3);
        assertThat(events(auditor, "&action=session.create&user_id=" + user.subject())).hasSize(4);
        String oneSession = events(auditor, "&action=chat.stream").getJsonObject(0).getString("session_id");
        assertThat(events(auditor, "&session_id=" + oneSession).stream()
                .map(e -> e.asJsonObject().getString("session_id")).distinct()).containsExactly(oneSession);

        List<Long> ids = new ArrayList<>();
        String cursor = null;
        do {
            JsonObject page = Api.parse(Api.get("/api/v1/audit/events?limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor), auditor).body());
            page.getJsonArray("items").forEach(e -> ids.add(e.asJsonObject().getJsonNumber("id").longValue()));
            cursor = page.containsKey("next_cursor") ? page.getString("next_cursor") : null;
        } while (cursor != null);
        List<Long> all = events(auditor, "").stream().map(e -> e.asJsonObject().getJsonNumber("id").longValue()).toList();
        assertThat(ids).doesNotHaveDuplicates().containsExactlyElementsOf(all);
        assertThat(Api.get("/api/v1/audit/events?from=yesterday", auditor).statusCode()).isEqualTo(400);
    }

    @Test
    void theCsvExportHasEveryMatchingRow() {
        DevJwt user = TestEnv.newUser();
        Chats.stream(Client.as(user).token(), "csv, \"quoted\" [[sim tokens=2]]");
        String auditor = auditorOf(user);
        await().untilAsserted(() -> assertThat(actions(events(auditor, ""))).contains("chat.stream"));

        HttpResponse<String> csv = Api.send(Api.request("/api/v1/audit/events", auditor).header("Accept", "text/csv").GET().build());

        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).startsWith("id,occurred_at,company_id,user_id");
        assertThat(lines).hasSize(events(auditor, "").size() + 1);
        assertThat(lines.stream().skip(1).filter(l -> l.contains(",chat.stream,"))).hasSize(1);
    }

    @Test
    void theUsageReportGroupsRequestsTokensCreditsAndLatencies() {
        DevJwt user = TestEnv.newUser();
        String token = Client.as(user).token();
        Chats.stream(token, "one [[sim tokens=2]]");
        Chats.stream(token, "two [[sim tokens=4]]");
        Chats.stream(token, "bad [[sim fault=http500]]");
        String auditor = auditorOf(user);
        await().untilAsserted(() -> assertThat(events(auditor, "&action=chat.stream")).hasSize(3));

        JsonObject byUser = Api.parse(Api.get("/api/v1/audit/reports/usage?group_by=user", auditor).body());
        assertThat(byUser.getJsonArray("groups")).hasSize(1);
        JsonObject row = byUser.getJsonArray("groups").getJsonObject(0);
        assertThat(row.getString("group")).isEqualTo(user.subject());
        assertThat(row.getInt("requests")).isEqualTo(3);
        assertThat(row.getInt("errors")).isEqualTo(1);
        assertThat(row.getInt("completion_tokens")).isEqualTo(6);
        long credits = Db.rows("select -sum(amount) as c from ledger_entry where company_id = ? and kind = 'CAPTURE'",
                user.company()).stream().mapToLong(r -> ((Number) r.get("c")).longValue()).sum();
        assertThat(row.getJsonNumber("credits").longValue()).isEqualTo(credits);
        assertThat(row.getJsonNumber("latency_ms_p95").doubleValue())
                .isGreaterThanOrEqualTo(row.getJsonNumber("latency_ms_p50").doubleValue());
        assertThat(row.getJsonNumber("ttft_ms_p50").doubleValue()).isGreaterThanOrEqualTo(0);

        assertThat(Api.parse(Api.get("/api/v1/audit/reports/usage?group_by=session", auditor).body())
                .getJsonArray("groups")).hasSize(3);
        assertThat(Api.parse(Api.get("/api/v1/audit/reports/usage?group_by=model", auditor).body())
                .getJsonArray("groups").getJsonObject(0).getString("group")).isEqualTo("sim-1");
        HttpResponse<String> csv = Api.send(Api.request("/api/v1/audit/reports/usage?group_by=day", auditor)
                .header("Accept", "text/csv").GET().build());
        assertThat(csv.body().lines().toList()).hasSize(2).first().asString().startsWith("group,requests");
        assertThat(Api.get("/api/v1/audit/reports/usage?group_by=mood", auditor).statusCode()).isEqualTo(400);
    }

    @Test
    void verifyFindsTheChainIntactThenTheRowSomeoneChanged() {
        DevJwt user = TestEnv.newUser();
        String token = Client.as(user).token();
        for (int i = 0; i < 3; i++) {
            Chats.stream(token, "chain " + i + " [[sim tokens=1]]");
        }
        String auditor = auditorOf(user);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonObject verdict = verify(auditor);
            assertThat(verdict.getBoolean("intact")).isTrue();
            assertThat(verdict.getInt("unsealed")).isZero();
            assertThat(verdict.getInt("checked")).isGreaterThanOrEqualTo(9);
        });
        var rows = Db.rows("select id, chain_seq from audit_event where company_id = ? order by chain_seq", user.company());
        long victim = ((Number) rows.get(rows.size() / 2).get("id")).longValue();

        Db.execute("update audit_event set credits = coalesce(credits, 0) + 1000 where id = ?", victim);

        JsonObject verdict = verify(auditor);
        assertThat(verdict.getBoolean("intact")).isFalse();
        assertThat(verdict.getJsonObject("first_broken").getJsonNumber("id").longValue()).isEqualTo(victim);
        assertThat(verdict.getJsonObject("first_broken").getString("reason")).contains("content");
    }

    @Test
    void aRemovedRowBreaksTheChainAtItsSuccessor() {
        DevJwt user = TestEnv.newUser();
        String token = Client.as(user).token();
        Chats.stream(token, "one [[sim tokens=1]]");
        Chats.stream(token, "two [[sim tokens=1]]");
        String auditor = auditorOf(user);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(verify(auditor).getInt("checked")).isGreaterThanOrEqualTo(6));
        var rows = Db.rows("select id from audit_event where company_id = ? order by chain_seq", user.company());
        Db.execute("delete from audit_event where id = ?", rows.get(2).get("id"));

        JsonObject verdict = verify(auditor);
        assertThat(verdict.getBoolean("intact")).isFalse();
        assertThat(verdict.getJsonObject("first_broken").getJsonNumber("id").longValue())
                .isEqualTo(((Number) rows.get(3).get("id")).longValue());
    }
}
