package dev.tollgate.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test servers run on a catalog file: its models are what /v1/models lists and what turns are
 * priced by, a change to it is read without a restart, and a broken change is refused while the
 * last good catalog stays.
 */
@ExtendWith(UsesSimulator.class)
class CatalogIT {

    private static final Path FILE = Path.of(System.getProperty("tollgate.models.file"));

    private static List<String> models(String server, String token) {
        return Api.parse(Api.send(Api.requestTo(server, "/v1/models", token).GET().build()).body())
                .getJsonArray("data").getValuesAs(JsonObject.class).stream().map(m -> m.getString("id")).toList();
    }

    /** Replaces the file at once, as an editor's save or a mounted config map does. */
    private static void write(String text) throws IOException {
        Path next = FILE.resolveSibling("models.json.next");
        Files.writeString(next, text, StandardCharsets.UTF_8);
        Files.move(next, FILE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String withModel(String catalog, String name, int prompt, int completion, String extra) {
        String url = catalog.substring(catalog.indexOf("\"url\": \"") + 8);
        url = url.substring(0, url.indexOf('"'));
        String model = "{ \"name\": \"" + name + "\", \"prices\": { \"prompt\": " + prompt + ", \"completion\": " + completion
                + " }" + extra + ", \"deployments\": [ { \"kind\": \"seed\", \"url\": \"" + url + "\" } ] }";
        int end = catalog.lastIndexOf(']');
        return catalog.substring(0, end).stripTrailing() + ",\n  " + model + " ] }\n";
    }

    @Test
    void aChangedCatalogIsServedWithoutARestartAndABrokenOneIsRefused() throws IOException {
        String original = Files.readString(FILE);
        Client user = Client.freshUser();
        assertThat(models(TestEnv.baseUrl(), user.token())).contains("sim-1", "sim-2").doesNotContain("sim-3");
        try {
            write(withModel(original, "sim-3", 1000, 1000, ", \"default_max_tokens\": 7"));
            for (String server : List.of(TestEnv.baseUrl(), TestEnv.secondUrl())) {
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> models(server, user.token()).contains("sim-3"));
            }
            // priced by the new entry, and its default answer size applies
            Api.Streamed answer = user.stream(Map.of("query", "new model [[sim tokens=3]]", "model", "sim-3"));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            long charged = answer.only("usage").json().getJsonNumber("credits_charged").longValue();
            int prompt = answer.only("usage").json().getInt("prompt_tokens");
            assertThat(charged).isEqualTo((prompt * 1000L + 3 * 1000L + 999) / 1000);
            await().untilAsserted(() -> assertThat(user.balance()).as("the initial grant less this answer")
                    .isEqualTo(1000 - charged));
            // at a credit a token, the hold is the prompt's estimate and the model's 7 default answer
            // tokens, far below the server's default of 512
            assertThat(user.reservations(null)).singleElement().satisfies(hold ->
                    assertThat(hold.getJsonNumber("amount").longValue()).isBetween(7L + prompt, 7L + 100));

            String log = logText();
            write("{ \"models\": [ { \"name\": \"sim-1\", \"prices\": { \"prompt\": 10 } } ] }");
            await().atMost(Duration.ofSeconds(10)).until(() -> logText().length() > log.length()
                    && logText().substring(log.length()).contains("models[0].prices.completion is missing"));
            assertThat(models(TestEnv.baseUrl(), user.token())).contains("sim-1", "sim-2", "sim-3");
        } finally {
            write(original);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !models(TestEnv.baseUrl(), user.token()).contains("sim-3"));
    }

    private static String logText() throws IOException {
        return Files.readString(TestEnv.serverLogs().resolve("messages.log"), StandardCharsets.ISO_8859_1);
    }
}
