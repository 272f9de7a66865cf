package dev.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Chats;
import dev.tollgate.testing.UsesSimulator;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Security headers on every answer; CORS for the configured frontend (the test server allows one). */
@ExtendWith(UsesSimulator.class)
class BrowserHeadersIT {

    private static final String FRONTEND = "https://chat.example.test";

    private static void assertSecurityHeaders(HttpResponse<?> response) {
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(response.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("default-src 'none'"));
        assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(response.headers().firstValue("Cache-Control")).hasValueSatisfying(
                cache -> assertThat(cache).contains("no-store"));
    }

    @Test
    void everyKindOfAnswerCarriesTheSecurityHeaders() {
        assertSecurityHeaders(Api.get("/api/v1/credits", Chats.token()));
        assertSecurityHeaders(Api.get("/api/v1/credits", null));          // 401
        assertSecurityHeaders(Api.get("/api/v1/no-such-thing", Chats.token())); // 404
        assertSecurityHeaders(Api.get("/health/ready", null));
    }

    @Test
    void theFrontendsPreflightIsAnsweredWithoutAToken() {
        HttpResponse<String> response = Api.send(Api.request("/api/v1/chat/stream", null)
                .header("Origin", FRONTEND)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(FRONTEND);
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers")).hasValueSatisfying(
                allowed -> assertThat(allowed).contains("Authorization").contains("Idempotency-Key"));
    }

    @Test
    void anotherOriginsPreflightIsRefused() {
        HttpResponse<String> response = Api.send(Api.request("/api/v1/chat/stream", null)
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void onlyTheFrontendMayReadAnswersAcrossOrigins() {
        String token = Chats.token();
        HttpResponse<String> fromFrontend = Api.send(Api.request("/api/v1/credits", token).header("Origin", FRONTEND).build());
        HttpResponse<String> fromElsewhere = Api.send(Api.request("/api/v1/credits", token)
                .header("Origin", "https://evil.example").build());

        assertThat(fromFrontend.headers().firstValue("Access-Control-Allow-Origin")).hasValue(FRONTEND);
        assertThat(fromFrontend.headers().firstValue("Access-Control-Expose-Headers")).hasValueSatisfying(
                exposed -> assertThat(exposed).contains("X-Request-Id"));
        assertThat(fromElsewhere.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
}
