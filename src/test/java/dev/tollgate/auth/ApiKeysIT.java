package dev.tollgate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Chats;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * API keys for services: made by a company admin, shown once, working wherever a token does,
 * refused everywhere once revoked or expired, bound to their models and limits, and never kept
 * or logged in the clear.
 */
@ExtendWith(UsesSimulator.class)
class ApiKeysIT {

    private static final String KEYS = "/api/v1/admin/api-keys";

    private static HttpResponse<String> create(Client admin, Map<String, ?> body) {
        return admin.post(KEYS, body);
    }

    private static List<JsonObject> keysOf(Client admin) {
        return Api.parseArray(admin.get(KEYS).body()).getValuesAs(JsonObject.class);
    }

    private static HttpResponse<String> getOn(String server, String path, String secret) {
        return Api.send(Api.requestTo(server, path, secret).GET().build());
    }

    @Test
    void aKeyIsShownOnceAndOpensBothFrontsAsItsServiceUser() {
        Client admin = Client.freshUser().colleague("company_admin", "user");
        HttpResponse<String> created = create(admin, Map.of("service_user", "billing-bot", "roles", List.of("user")));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonObject key = Api.parse(created.body());
        String secret = key.getString("secret");
        assertThat(secret).matches("tg_[0-9a-f]{12}_[A-Za-z0-9_-]{43}");
        assertThat(Base64.getUrlDecoder().decode(secret.substring(16))).hasSize(32);
        assertThat(key.getString("prefix")).isEqualTo(secret.substring(0, 15));
        assertThat(key.getString("user_id")).isEqualTo("service:billing-bot");
        assertThat(key.getJsonArray("roles").getString(0)).isEqualTo("user");

        assertThat(getOn(TestEnv.baseUrl(), "/api/v1/credits", secret).statusCode()).isEqualTo(200);
        JsonObject models = Api.parse(getOn(TestEnv.baseUrl(), "/v1/models", secret).body());
        assertThat(models.getJsonArray("data")).isNotEmpty();
        Api.Streamed answer = Api.chatStream(secret, Map.of("query", "as a service [[sim tokens=3]]"));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(Chats.text(answer)).isNotBlank();

        // the turn is the service user's, in the admin's company
        await().untilAsserted(() -> assertThat(admin.auditEvents("action=chat.stream")).singleElement().satisfies(event -> {
            assertThat(event.getString("user_id")).isEqualTo("service:billing-bot");
            assertThat(event.getString("outcome")).isEqualTo("ok");
        }));
        assertThat(admin.auditEvents("action=api_key.create")).singleElement().satisfies(event -> {
            assertThat(event.getString("target")).isEqualTo("api_key:" + key.getString("id"));
            assertThat(event.getString("user_id")).isEqualTo(admin.subject());
        });

        List<JsonObject> listed = keysOf(admin);
        assertThat(listed).singleElement().satisfies(entry -> {
            assertThat(entry.containsKey("secret")).isFalse();
            assertThat(entry.getString("prefix")).isEqualTo(key.getString("prefix"));
            assertThat(entry.getString("created_at")).isNotBlank();
            assertThat(entry.getString("last_used_at", null)).isNotNull();
        });
    }

    @Test
    void aKeyGetsAtMostItsCreatorsRolesAndOnlyAdminsMakeThem() {
        Client user = Client.freshUser();
        Client admin = user.colleague("company_admin");

        HttpResponse<String> beyond = create(admin, Map.of("service_user", "reports", "roles", List.of("auditor")));
        assertThat(beyond.statusCode()).isEqualTo(403);
        assertThat(Api.parse(beyond.body()).getString("type")).endsWith("role-not-grantable");

        HttpResponse<String> unknown = create(admin, Map.of("service_user", "reports", "roles", List.of("wizard")));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("\"field\":\"roles\"");

        assertThat(create(user, Map.of("service_user", "reports", "roles", List.of("user"))).statusCode()).isEqualTo(403);
        assertThat(keysOf(admin)).isEmpty();

        // a key without the user role may not chat, though it authenticates
        Client auditorKey = user.withKey("auditor");
        assertThat(auditorKey.get("/api/v1/audit/events?limit=1").statusCode()).isEqualTo(200);
        assertThat(auditorKey.post("/api/v1/chat", Map.of("query", "hi")).statusCode()).isEqualTo(403);
    }

    @Test
    void aKeyRevokedOnOneServerIsRefusedByTheOtherWithinFiveSeconds() {
        Client user = Client.freshUser();
        Client admin = user.colleague("company_admin", "user");
        JsonObject key = Api.parse(create(admin, Map.of("service_user", "nightly", "roles", List.of("user"))).body());
        String secret = key.getString("secret");
        assertThat(getOn(TestEnv.secondUrl(), "/api/v1/credits", secret).statusCode()).isEqualTo(200);
        assertThat(getOn(TestEnv.baseUrl(), "/api/v1/credits", secret).statusCode()).isEqualTo(200);

        HttpResponse<String> revoked = Api.send(Api.request(KEYS + "/" + key.getString("id"), admin.token()).DELETE().build());
        assertThat(revoked.statusCode()).isEqualTo(204);
        Instant at = Instant.now();

        HttpResponse<String> here = getOn(TestEnv.baseUrl(), "/api/v1/credits", secret);
        assertThat(here.statusCode()).isEqualTo(401);
        assertThat(Api.parse(here.body()).getString("request_id")).isNotBlank();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> getOn(TestEnv.secondUrl(), "/api/v1/credits", secret).statusCode() == 401);
        assertThat(Duration.between(at, Instant.now())).isLessThan(Duration.ofSeconds(5));

        assertThat(keysOf(admin)).singleElement().satisfies(entry -> assertThat(entry.getString("revoked_at")).isNotBlank());
        assertThat(admin.auditEvents("action=api_key.revoke")).singleElement()
                .satisfies(event -> assertThat(event.getString("target")).isEqualTo("api_key:" + key.getString("id")));
        await().untilAsserted(() -> assertThat(admin.auditEvents("action=api_key.refused"))
                .isNotEmpty().allSatisfy(event -> {
                    assertThat(event.getString("outcome")).isEqualTo("revoked");
                    assertThat(event.getString("target")).isEqualTo("api_key:" + key.getString("id"));
                }));
        // someone else's key is not found, as everywhere
        Client stranger = Client.freshUser().colleague("company_admin");
        assertThat(Api.send(Api.request(KEYS + "/" + key.getString("id"), stranger.token()).DELETE().build()).statusCode())
                .isEqualTo(404);
    }

    @Test
    void anExpiredKeyIsRefused() {
        Client admin = Client.freshUser().colleague("company_admin", "user");
        Instant expiry = Instant.now().plusSeconds(3);
        JsonObject key = Api.parse(create(admin, Map.of("service_user", "brief", "roles", List.of("user"),
                "expires_at", expiry.toString())).body());
        String secret = key.getString("secret");
        assertThat(getOn(TestEnv.baseUrl(), "/api/v1/credits", secret).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> getOn(TestEnv.baseUrl(), "/api/v1/credits", secret).statusCode() == 401);
        assertThat(Instant.now()).isAfterOrEqualTo(expiry);
        await().untilAsserted(() -> assertThat(admin.auditEvents("action=api_key.refused"))
                .anySatisfy(event -> assertThat(event.getString("outcome")).isEqualTo("expired")));

        HttpResponse<String> past = create(admin, Map.of("service_user", "late", "roles", List.of("user"),
                "expires_at", Instant.now().minusSeconds(60).toString()));
        assertThat(past.statusCode()).isEqualTo(400);
        assertThat(past.body()).contains("\"field\":\"expires_at\"");
    }

    @Test
    void aKeyUsesOnlyItsModels() {
        Client key = Client.freshUser().withKey(Map.of("roles", List.of("user"), "models", List.of("sim-2")));

        JsonObject models = key.read("/v1/models");
        assertThat(models.getJsonArray("data").getValuesAs(JsonObject.class)).extracting(m -> m.getString("id"))
                .containsExactly("sim-2");
        assertThat(key.get("/v1/models/sim-1").statusCode()).isEqualTo(403);

        Api.Streamed refused = key.stream(Map.of("query", "hi", "model", "sim-1"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.problem().getString("type")).endsWith("model-not-allowed");
        Api.Streamed allowed = key.stream(Map.of("query", "hi [[sim tokens=2]]", "model", "sim-2"));
        assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);

        HttpResponse<String> openAi = key.post("/v1/chat/completions", Map.of("model", "sim-1",
                "messages", List.of(Map.of("role", "user", "content", "hi"))));
        assertThat(openAi.statusCode()).isEqualTo(403);
        assertThat(Api.parse(openAi.body()).getJsonObject("error").getString("type")).isEqualTo("permission_error");

        HttpResponse<String> unpriced = Client.freshUser().colleague("company_admin", "user").post(KEYS,
                Map.of("service_user", "x", "roles", List.of("user"), "models", List.of("gpt-nothing")));
        assertThat(unpriced.statusCode()).isEqualTo(422);
    }

    @Test
    void aKeysSpendingLimitIsItsServiceUsersLimit() {
        Client user = Client.freshUser();
        Client key = user.withKey(Map.of("roles", List.of("user"), "daily_credits", 1));

        Api.Streamed refused = key.stream(Map.of("query", "over the limit"));
        assertThat(refused.status()).isEqualTo(402);
        assertThat(refused.problem().getString("type")).endsWith("spending-limit-reached");
        assertThat(keysOf(user.colleague("company_admin"))).singleElement()
                .satisfies(entry -> assertThat(entry.getJsonNumber("daily_credits").longValue()).isEqualTo(1));
        // a person of the same company is not bound by the service's limit
        assertThat(user.stream(Map.of("query", "fine [[sim tokens=2]]")).status()).isEqualTo(200);
    }

    @Test
    void aKeyShapedStringIsNeverATokenAndATokenNeverAKey() {
        Client user = Client.freshUser();
        String garbageKey = "tg_" + "0".repeat(12) + "_" + "A".repeat(43);
        HttpResponse<String> asKey = getOn(TestEnv.baseUrl(), "/api/v1/credits", garbageKey);
        assertThat(asKey.statusCode()).isEqualTo(401);
        assertThat(Api.parse(asKey.body()).getString("detail")).contains("API key");

        HttpResponse<String> asToken = getOn(TestEnv.baseUrl(), "/api/v1/credits", "not-a-token");
        assertThat(asToken.statusCode()).isEqualTo(401);
        assertThat(Api.parse(asToken.body()).getString("detail")).contains("bearer token");

        // a real token whose text is prefixed to look like a key is refused as a key
        assertThat(getOn(TestEnv.baseUrl(), "/api/v1/credits", "tg_" + user.token()).statusCode()).isEqualTo(401);
        assertThat(getOn(TestEnv.baseUrl(), "/api/v1/credits", user.token()).statusCode()).isEqualTo(200);
    }

    @Test
    void anUnknownKeyTakesAsLongAsAWrongSecretOfAKnownOne() {
        Client key = Client.freshUser().withKey("user");
        String known = key.token();
        String address = randomLoopback();
        List<Long> unknownNanos = new ArrayList<>();
        List<Long> wrongNanos = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String unknown = "tg_" + randomHex(12) + "_" + known.substring(16);
            String wrong = known.substring(0, 16) + randomSecret();
            unknownNanos.add(timed(address, unknown));
            wrongNanos.add(timed(address, wrong));
        }
        long unknownMedian = median(unknownNanos);
        long wrongMedian = median(wrongNanos);
        // a check that stopped at an unknown prefix would answer it without the hash and the compare;
        // the bound leaves room for a busy machine's noise, not for a second path
        assertThat(Math.abs(unknownMedian - wrongMedian)).as("unknown %d ns, wrong %d ns", unknownMedian, wrongMedian)
                .isLessThan(Math.max(unknownMedian, wrongMedian) / 2 + 2_000_000);
    }

    @Test
    void repeatedRefusalsFromOneAddressMustWait() {
        String address = randomLoopback();
        int limit = Integer.parseInt(System.getProperty("tollgate.api-keys.failures-per-minute"));
        String wrong = "tg_" + randomHex(12) + "_" + randomSecret();
        int sent = 0;
        Raw answer;
        do { // a minute that ends meanwhile starts the count again: room for two
            answer = rawGet(address, "/api/v1/credits", wrong);
            sent++;
        } while (answer.status() == 401 && sent <= 2 * limit + 2);
        assertThat(answer.status()).as("after %d refused keys", sent).isEqualTo(429);
        assertThat(sent).isGreaterThan(limit);
        assertThat(answer.head()).containsIgnoringCase("retry-after:");
        // another address is not held back
        assertThat(rawGet(randomLoopback(), "/api/v1/credits", wrong).status()).isEqualTo(401);
    }

    @Test
    void theSecretIsInNoTableAndNoLogAfterCreation() throws IOException {
        Client key = Client.freshUser().withKey("user");
        String secret = key.token();
        assertThat(key.stream(Map.of("query", "leave no trace [[sim tokens=2]]")).status()).isEqualTo(200);
        getOn(TestEnv.baseUrl(), "/api/v1/credits", secret.substring(0, 16) + randomSecret());
        getOn(TestEnv.secondUrl(), "/v1/models", secret);

        String secretPart = secret.substring(16);
        assertThat(Db.rowsContaining(secretPart)).isZero();
        assertThat(TestEnv.logsContaining(secretPart, TestEnv.serverLogs(), TestEnv.secondServerLogs())).isEmpty();
    }

    private static long timed(String address, String secret) {
        long start = System.nanoTime();
        Raw answer = rawGet(address, "/api/v1/credits", secret);
        long took = System.nanoTime() - start;
        assertThat(answer.status()).isEqualTo(401);
        return took;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static String randomHex(int chars) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < chars; i++) {
            hex.append(Character.forDigit(ThreadLocalRandom.current().nextInt(16), 16));
        }
        return hex.toString();
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A loopback address of its own, so this test's refusals count for nobody else. */
    private static String randomLoopback() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "127." + random.nextInt(1, 255) + "." + random.nextInt(1, 255) + "." + random.nextInt(2, 255);
    }

    record Raw(int status, String head) {
    }

    /** One GET sent from {@code address}: the JDK's HTTP client cannot choose the address it sends from. */
    private static Raw rawGet(String address, String path, String bearer) {
        URI server = URI.create(TestEnv.baseUrl());
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(address, 0));
            socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + server.getHost() + "\r\nAuthorization: Bearer " + bearer
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int headEnd = answer.indexOf("\r\n\r\n");
            String head = headEnd < 0 ? answer : answer.substring(0, headEnd);
            return new Raw(Integer.parseInt(head.substring(9, 12)), head);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
