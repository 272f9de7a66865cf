package dev.tollgate.direct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Chats;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.DevKeys;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Option B end to end: Tollgate issues a short-lived token, the browser (this test) streams
 * straight from the LLM simulator with it, and the usage comes back through the webhook to
 * settle the credits held when the token was issued. The test server's tokens live 6 seconds.
 */
@ExtendWith(UsesSimulator.class)
class LlmTokensIT {

    private static final HttpClient BROWSER = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static HttpResponse<String> issue(String token, Map<String, ?> body) {
        return Api.send(Api.request("/api/v1/llm-tokens", token).header("Content-Type", "application/json")
                .POST(Api.json(body)).build());
    }

    private static HttpResponse<String> direct(String url, String llmToken, String query) throws Exception {
        return BROWSER.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + llmToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"" + query + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject claims(String jwt, int part) {
        return Api.parse(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[part]), StandardCharsets.UTF_8));
    }

    @Test
    void aDirectStreamWorksWithTheTokenAndItsUsageSettlesTheHold() throws Exception {
        DevJwt user = TestEnv.newUser();
        String token = Client.as(user).token();
        String session = Chats.startSession(token);

        HttpResponse<String> issued = issue(token, Map.of("session_id", session, "max_tokens", 50));
        assertThat(issued.statusCode()).isEqualTo(201);
        JsonObject body = Api.parse(issued.body());
        String llmToken = body.getString("token");
        String requestId = body.getString("request_id");
        JsonObject claims = claims(llmToken, 1);
        assertThat(claims.getString("aud")).isEqualTo("llm-service");
        assertThat(claims.getString("sid")).isEqualTo(session);
        assertThat(claims.getString("sub")).isEqualTo(user.subject());
        assertThat(claims.getString("company_id")).isEqualTo(user.company());
        assertThat(claims.getInt("max_tokens")).isEqualTo(50);
        assertThat(claims.getJsonNumber("exp").longValue() - claims.getJsonNumber("iat").longValue()).isBetween(1L, 300L);
        assertThat(Instant.parse(body.getString("expires_at"))).isBefore(Instant.now().plusSeconds(301));
        assertThat(Db.rows("select status from credit_reservation where request_id = ?", requestId))
                .extracting(row -> row.get("status")).containsExactly("OPEN");

        HttpResponse<String> answer = direct(body.getString("stream_url"), llmToken, "straight to the model [[sim tokens=5]]");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body().split("\"content\"", -1)).hasSize(6); // five tokens
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
                Db.rows("select status, captured from credit_reservation where request_id = ?", requestId))
                .singleElement().satisfies(row -> {
                    assertThat(row.get("status")).isEqualTo("CAPTURED");
                    assertThat(((Number) row.get("captured")).longValue()).isPositive();
                }));
        long balance = ((Number) Db.rows("select balance from credit_account where company_id = ?", user.company())
                .get(0).get("balance")).longValue();
        long sum = ((Number) Db.rows("select sum(amount) as s from ledger_entry where company_id = ?", user.company())
                .get(0).get("s")).longValue();
        assertThat(balance).isEqualTo(sum);
    }

    @Test
    void aTokenForOneSessionDoesNotOpenAnother() throws Exception {
        String token = Chats.token();
        String mine = Chats.startSession(token);
        String other = Chats.startSession(token);
        JsonObject issued = Api.parse(issue(token, Map.of("session_id", mine)).body());

        HttpResponse<String> refused = direct(issued.getString("stream_url").replace(mine, other),
                issued.getString("token"), "hi [[sim tokens=1]]");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("wrong_session");
    }

    @Test
    void anExpiredTokenIsRefusedByTheLlmService() {
        String token = Chats.token();
        String session = Chats.startSession(token);
        JsonObject issued = Api.parse(issue(token, Map.of("session_id", session)).body());

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            HttpResponse<String> refused = direct(issued.getString("stream_url"), issued.getString("token"), "late [[sim tokens=1]]");
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.body()).contains("token_expired");
        });
    }

    @Test
    void someoneElsesSessionGetsNoTokenAndHoldsNothing() {
        String owner = Chats.token();
        String session = Chats.startSession(owner);
        DevJwt stranger = TestEnv.newUser();

        HttpResponse<String> refused = issue(Client.as(stranger).token(), Map.of("session_id", session));

        assertThat(refused.statusCode()).isEqualTo(404);
        assertThat(Db.rows("select turn_id from credit_reservation where company_id = ?", stranger.company())).isEmpty();
    }

    @Test
    void aRotatedKeySignsNewTokensAndTheLlmServiceFollows() throws Exception {
        String alias = "rotated-" + UUID.randomUUID().toString().substring(0, 8);
        DevKeys.addSigningKey(TestEnv.keysDir().resolve(DevKeys.LLM_KEYSTORE), System.getProperty("tollgate.keystore.password"),
                alias);
        String token = Chats.token();
        String session = Chats.startSession(token);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
                Api.get("/.well-known/jwks.json", null).body()).contains("\"kid\":\"" + alias + "\"").contains("tollgate-1"));
        JsonObject issued = Api.parse(issue(token, Map.of("session_id", session)).body());
        assertThat(claims(issued.getString("token"), 0).getString("kid")).isEqualTo(alias);

        HttpResponse<String> answer = direct(issued.getString("stream_url"), issued.getString("token"), "after rotation [[sim tokens=2]]");
        assertThat(answer.statusCode()).isEqualTo(200);
    }
}
