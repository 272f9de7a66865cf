package dev.tollgate.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Chats;
import dev.tollgate.testing.LibertyAdmin;
import dev.tollgate.testing.Simulator;
import dev.tollgate.testing.UsesSimulator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stopping the server tells every open stream to retry, and lets go of the LLM service. It stops
 * the shared test server, so the build runs it after all other integration tests.
 */
@ExtendWith(UsesSimulator.class)
class ServerShutdownIT {

    @Test
    void openStreamsGetAServerShutdownErrorWithRetryAdvice() throws Exception {
        var response = Api.openStream(Chats.token(), Map.of("query", "long [[sim tokens=2000 delay_ms=50]]"));
        assertThat(response.statusCode()).isEqualTo(200);
        String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
        var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        for (String line; (line = reader.readLine()) != null && !line.equals("event: token"); ) {
            lines.add(line);
        }

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
            try {
                LibertyAdmin.stopServer();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        for (String line; (line = reader.readLine()) != null; ) {
            lines.add(line);
        }
        stopping.get();

        int errorAt = lines.lastIndexOf("event: error");
        assertThat(errorAt).as("an error event in %s", lines).isNotNegative();
        var error = Api.parse(lines.get(errorAt + 1).substring("data:".length()).strip());
        assertThat(error.getString("code")).isEqualTo("server_shutdown");
        assertThat(error.getJsonNumber("retry_after_ms").longValue()).isPositive();
        assertThat(error.getString("request_id")).isEqualTo(requestId);
        await().atMost(Duration.ofSeconds(5)).until(() -> Simulator.get().cancelled().contains(requestId));
    }
}
