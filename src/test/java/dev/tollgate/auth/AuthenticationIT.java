package dev.tollgate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.DevKeys;
import dev.tollgate.testing.IdentityProvider;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tokens Tollgate must refuse, each with 401 problem+json before anything else happens, and the
 * key rotation it must follow. The test server verifies against the identity provider's JWKS.
 */
@ExtendWith(UsesSimulator.class)
class AuthenticationIT {

    private static KeyPair newKeyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static String header(String json) {
        return DevJwt.b64(json);
    }

    /** The classic confusion attack: HMAC "signed" with the server's public key as the secret. */
    private static String hs256WithThePublicKey(DevJwt user) throws Exception {
        String input = header("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + DevJwt.DEV_KEY_ID + "\"}")
                + "." + DevJwt.b64(user.claims());
        byte[] secret = Files.readAllBytes(TestEnv.keysDir().resolve(DevKeys.PUBLIC_PEM));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return input + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    /** A genuine token whose payload was then changed to another company. */
    private static String tampered() {
        String[] parts = Client.freshUser().token().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replaceFirst("\"company_id\":\"[^\"]+\"", "\"company_id\":\"someone-elses\"");
        return parts[0] + "." + DevJwt.b64(payload) + "." + parts[2];
    }

    static Stream<Arguments> refusedTokens() throws Exception {
        Instant now = Instant.now();
        return Stream.of(
                Arguments.of("missing", null),
                Arguments.of("garbage", "not-a-jwt"),
                Arguments.of("alg none", header("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "."
                        + DevJwt.b64(TestEnv.newUser().claims()) + "."),
                Arguments.of("HS256 signed with the public key", hs256WithThePublicKey(TestEnv.newUser())),
                Arguments.of("expired", TestEnv.newUser().issuedAt(now.minusSeconds(7200)).ttlSeconds(600)
                        .sign(TestEnv.keysDir())),
                // Liberty's own default skew would take this one; Tollgate allows 30 s.
                Arguments.of("expired two minutes ago", TestEnv.newUser().issuedAt(now.minusSeconds(720)).ttlSeconds(600)
                        .sign(TestEnv.keysDir())),
                Arguments.of("not yet valid", Client.as(TestEnv.newUser().notBefore(now.plusSeconds(600))).token()),
                Arguments.of("wrong issuer", Client.as(TestEnv.newUser().issuer("https://evil.example")).token()),
                Arguments.of("wrong audience", Client.as(TestEnv.newUser().audience("another-app")).token()),
                Arguments.of("tampered payload", tampered()),
                Arguments.of("signed by another key under the dev key's id",
                        Client.as(TestEnv.newUser().signedWith(newKeyPair().getPrivate())).token()),
                Arguments.of("unknown key id", TestEnv.newUser().keyId("nobody-knows-" + UUID.randomUUID())
                        .signedWith(newKeyPair().getPrivate()).sign(TestEnv.keysDir())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedTokens")
    void refusedWith401ProblemJson(String why, String token) {
        HttpResponse<String> response = chat(token);

        assertThat(response.statusCode()).as(why).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).as(why).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        var problem = Api.parse(response.body());
        assertThat(problem.getInt("status")).isEqualTo(401);
        assertThat(problem.getString("request_id")).isNotBlank();
    }

    @Test
    void aValidTokenIsAccepted() {
        DevJwt user = TestEnv.newUser();
        Api.Streamed answer = Api.chatStream(Client.as(user).token(), Map.of("query", "hi [[sim tokens=1]]"));
        assertThat(answer.status()).isEqualTo(200);
    }

    @Test
    void aTokenExpiredWithinTheClockSkewIsStillAccepted() {
        String token = Client.as(TestEnv.newUser().issuedAt(Instant.now().minusSeconds(605)).ttlSeconds(600)).token();
        assertThat(Api.get("/api/v1/credits", token).statusCode()).isEqualTo(200);
    }

    @Test
    void aKeyTheIdentityProviderPublishesLaterIsAcceptedWithoutARestart() throws Exception {
        KeyPair rotated = newKeyPair();
        String kid = "rotated-" + UUID.randomUUID();
        String token = Client.as(TestEnv.newUser().keyId(kid).signedWith(rotated.getPrivate())).token();
        assertThat(Api.get("/api/v1/credits", token).statusCode()).isEqualTo(401);

        IdentityProvider.get().publish(kid, (RSAPublicKey) rotated.getPublic());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Api.get("/api/v1/credits", token).statusCode()).isEqualTo(200));
    }

    @Test
    void aTokenWithoutACompanyIsRefusedWith403AndTheReason() {
        String token = Client.as(TestEnv.newUser().company(null)).token();
        HttpResponse<String> response = chat(token);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(Api.parse(response.body()).getString("detail")).contains("company_id");
    }

    private static HttpResponse<String> chat(String token) {
        return Api.send(Api.request("/api/v1/chat/stream", token)
                .header("Content-Type", "application/json")
                .POST(Api.json(Map.of("query", "hello"))).build());
    }
}
