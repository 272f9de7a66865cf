package dev.tollgate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.TestEnv;
import java.net.http.HttpResponse;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;
import java.util.stream.Stream;

/** Tokens Tollgate must refuse, each with 401 problem+json, before anything else happens. */
@org.junit.jupiter.api.extension.ExtendWith(dev.tollgate.testing.UsesSimulator.class)
class AuthenticationIT {

    static Stream<Arguments> refusedTokens() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return Stream.of(
                Arguments.of("missing", null),
                Arguments.of("expired", TestEnv.newUser().issuedAt(Instant.now().minusSeconds(7200)).ttlSeconds(600)
                        .sign(TestEnv.keysDir())),
                Arguments.of("signed by another key", TestEnv.newUser().signedWith(generator.generateKeyPair().getPrivate())
                        .sign(TestEnv.keysDir())),
                Arguments.of("wrong issuer", TestEnv.newUser().issuer("https://evil.example").sign(TestEnv.keysDir())),
                Arguments.of("garbage", "not-a-jwt"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedTokens")
    void refusedWith401ProblemJson(String why, String token) {
        HttpResponse<String> response = Api.send(Api.request("/api/v1/chat/stream", token)
                .header("Content-Type", "application/json")
                .POST(Api.json(Map.of("query", "hello"))).build());

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
        Api.Streamed answer = Api.chatStream(user.sign(TestEnv.keysDir()), Map.of("query", "hi [[sim tokens=1]]"));
        assertThat(answer.status()).isEqualTo(200);
    }
}
