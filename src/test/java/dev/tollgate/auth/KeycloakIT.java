package dev.tollgate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tokens from a real identity provider: Keycloak (started by the build with the realms in
 * src/test/keycloak) and a Tollgate server that trusts its realm through the realm's JWKS URL.
 * Keycloak's tokens carry no upn: the user is the token's sub, the roles come from the groups
 * claim the realm's mapper writes, the company from its company_id mapper.
 */
@ExtendWith(UsesSimulator.class)
class KeycloakIT {

    private static final String KEYCLOAK = System.getProperty("tollgate.keycloak.url", "http://127.0.0.1:19092");
    private static final String TOLLGATE = System.getProperty("tollgate.url3", "http://127.0.0.1:19082");

    @BeforeAll
    static void keycloakIsUp() {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() ->
                Api.send(HttpRequest.newBuilder(URI.create(KEYCLOAK + "/realms/tollgate/.well-known/openid-configuration"))
                        .GET().build()).statusCode() == 200);
    }

    private static String token(String realm, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> answer = Api.send(HttpRequest.newBuilder(
                        URI.create(KEYCLOAK + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return Api.parse(answer.body()).getString("access_token");
    }

    private static String password(String user, String secret) {
        return token("tollgate", Map.of("grant_type", "password", "client_id", "tollgate-web",
                "username", user, "password", secret));
    }

    private static String service(String realm, String client, String secret) {
        return token(realm, Map.of("grant_type", "client_credentials", "client_id", client, "client_secret", secret));
    }

    private static JsonObject claims(String jwt) {
        return Api.parse(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> get(String path, String token) {
        return Api.send(Api.requestTo(TOLLGATE, path, token).GET().build());
    }

    @Test
    void aUsersPasswordGrantTokenIsAcceptedWithItsSubjectAsTheUser() {
        String token = password("alice", "alice-test-password");
        JsonObject claims = claims(token);
        assertThat(claims.containsKey("upn")).as("Keycloak writes no upn").isFalse();

        HttpResponse<String> opened = Api.send(Api.requestTo(TOLLGATE, "/api/v1/sessions", token)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(opened.statusCode()).as(opened.body()).isEqualTo(201);
        String session = Api.parse(opened.body()).getString("session_id");
        HttpResponse<String> mine = get("/api/v1/sessions/" + session, token);
        assertThat(mine.statusCode()).as(mine.body()).isEqualTo(200);
        assertThat(Api.parse(mine.body()).getString("user_id")).isEqualTo(claims.getString("sub"));
        HttpResponse<String> credits = get("/api/v1/credits", token);
        assertThat(Api.parse(credits.body()).getString("company_id")).isEqualTo("keycloak-acme");
        assertThat(get("/api/v1/audit/events", token).statusCode()).as("alice is no auditor").isEqualTo(403);
    }

    @Test
    void aServicesClientCredentialsTokenIsAcceptedWithItsRoles() {
        String token = service("tollgate", "reports-service", "reports-service-test-secret");
        assertThat(claims(token).containsKey("upn")).isFalse();

        HttpResponse<String> events = get("/api/v1/audit/events", token);
        assertThat(events.statusCode()).as(events.body()).isEqualTo(200);
        assertThat(get("/api/v1/credits", token).statusCode()).isEqualTo(200);
    }

    @Test
    void aTokenOfAnotherRealmOrForAnotherAudienceIsRefused() {
        String otherRealm = service("other", "intruder", "intruder-test-secret");
        String otherAudience = service("tollgate", "elsewhere-service", "elsewhere-service-test-secret");
        assertThat(claims(otherAudience).containsKey("aud")).isFalse();

        for (String refused : new String[] {otherRealm, otherAudience}) {
            HttpResponse<String> answer = get("/api/v1/credits", refused);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(401);
            assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
        }
        assertThat(get("/api/v1/credits", password("alice", "alice-test-password")).statusCode())
                .as("the same request with the realm's own token").isEqualTo(200);
    }
}
