package dev.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dev sign-in exists where a dev signing key is configured (the test server, like bin/dev)
 * and nowhere else: the realm server is configured as production is, and there the path is
 * unknown. The console's files come with their Content-Security-Policy.
 */
@ExtendWith(UsesSimulator.class)
class DevSignInIT {

    private static final String PRODUCTION = System.getProperty("tollgate.url3", "http://127.0.0.1:19082");

    private static HttpResponse<String> devToken(String server, String body) {
        return Api.send(HttpRequest.newBuilder(URI.create(server + "/dev/token")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static HttpResponse<String> plainGet(String url) {
        return Api.send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    @Test
    void aDevTokenIsAcceptedByTheApi() {
        HttpResponse<String> issued = devToken(TestEnv.baseUrl(),
                "{\"sub\":\"dev-ann\",\"company\":\"dev-co-1\",\"roles\":[\"user\",\"auditor\"]}");
        assertThat(issued.statusCode()).isEqualTo(200);
        String token = Api.parse(issued.body()).getString("token");
        JsonObject credits = Api.parse(Api.get("/api/v1/credits", token).body());
        assertThat(credits.getString("company_id")).isEqualTo("dev-co-1");
        assertThat(Api.get("/api/v1/audit/reports/usage", token).statusCode()).as("the auditor role is in the token").isEqualTo(200);
        assertThat(Api.get("/api/v1/admin/api-keys", token).statusCode()).as("and no other").isEqualTo(403);
    }

    @Test
    void badSignInsAreRefusedAsProblems() {
        for (String body : List.of("{\"sub\":\"ann\",\"company\":\"co\",\"roles\":[\"root\"]}",
                "{\"sub\":\"a b\",\"company\":\"co\"}", "{\"company\":\"co\"}", "[1]", "not json")) {
            HttpResponse<String> refused = devToken(TestEnv.baseUrl(), body);
            assertThat(refused.statusCode()).as(body).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(Api.parse(refused.body()).getString("request_id")).isNotBlank();
        }
    }

    @Test
    void aProductionConfigurationHasNoDevSignIn() {
        HttpResponse<String> absent = devToken(PRODUCTION, "{\"sub\":\"ann\",\"company\":\"co\",\"roles\":[\"user\"]}");
        assertThat(absent.statusCode()).isEqualTo(404);
        assertThat(absent.body()).doesNotContain("token");
        JsonObject config = Api.parse(plainGet(PRODUCTION + "/console/config.json").body());
        assertThat(config.getBoolean("dev_sign_in")).isFalse();
        assertThat(config.getJsonObject("oidc").getString("client_id")).isEqualTo("tollgate-web");
        assertThat(Api.parse(plainGet(TestEnv.baseUrl() + "/console/config.json").body())
                .getBoolean("dev_sign_in")).isTrue();
    }

    @Test
    void theConsoleIsServedUnderAStrictPolicy() {
        HttpResponse<String> page = plainGet(TestEnv.baseUrl() + "/console/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script type=\"module\" src=\"app.js\"></script>").doesNotContain("<script>");
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(policy).contains("script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "default-src 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "*");
        // With an identity provider, the page may also reach the provider's origin (discovery, token).
        String production = plainGet(PRODUCTION + "/console/").headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(production).contains("connect-src 'self' http://127.0.0.1:" + URI.create(System.getProperty(
                "tollgate.keycloak.url", "http://127.0.0.1:19092")).getPort() + ";");
        for (String missing : List.of("/console/nothing.js", "/console/../WEB-INF/web.xml", "/console/%2e%2e/WEB-INF/beans.xml",
                "/console/app.JS")) {
            assertThat(plainGet(TestEnv.baseUrl() + missing).statusCode()).as(missing).isIn(400, 404);
        }
        assertThat(plainGet(TestEnv.baseUrl() + "/console/app.js").headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/javascript"));
    }
}
