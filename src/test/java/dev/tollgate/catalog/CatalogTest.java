package dev.tollgate.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog a server starts on, and the changes it takes or refuses later. */
class CatalogTest {

    private static final String GOOD = """
            { "models": [ { "name": "m", "prices": { "prompt": 1, "completion": 2 },
              "deployments": [ { "kind": "openai", "url": "http://llm.internal/v1" } ] } ] }""";

    private static Catalog on(Path file) {
        Catalog catalog = new Catalog();
        catalog.file = Optional.of(file.toString());
        catalog.pricing = "sim-1:10:30";
        catalog.defaultModel = "sim-1";
        catalog.seedUrl = "http://127.0.0.1:8090";
        return catalog;
    }

    @Test
    void aBrokenFileStopsTheStartNamingTheFileAndTheField(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("models.json"), GOOD.replace("\"completion\": 2", "\"completion\": -2"));

        assertThatThrownBy(() -> on(file).current()).isInstanceOf(CatalogFile.Invalid.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("models[0].prices.completion");
    }

    @Test
    void aSeedDeploymentAwayFromTheSeedServiceIsRefused(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("models.json"),
                GOOD.replace("\"openai\", \"url\": \"http://llm.internal/v1\"", "\"seed\", \"url\": \"http://elsewhere:8090\""));

        assertThatThrownBy(() -> on(file).current()).hasMessageContaining("TOLLGATE_LLM_URL");
    }

    @Test
    void aGoodChangeIsTakenAndABrokenOneLeavesTheLastGoodCatalog(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("models.json"), GOOD);
        Catalog catalog = on(file);
        assertThat(catalog.current().names()).containsExactly("m");

        Files.writeString(file, GOOD.replace("\"name\": \"m\"", "\"name\": \"n\""));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        catalog.reloadIfChanged();
        assertThat(catalog.current().names()).containsExactly("n");

        Files.writeString(file, "{ \"models\": [ ");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        catalog.reloadIfChanged();
        assertThat(catalog.current().names()).containsExactly("n");
    }

    @Test
    void withoutAFileThePricedModelsAreServedByTheSeedService() {
        Catalog catalog = new Catalog();
        catalog.file = Optional.empty();
        catalog.pricing = "a:1:2,b:3:4";
        catalog.defaultModel = "b";
        catalog.seedUrl = "http://127.0.0.1:8090";

        Models models = catalog.current();
        assertThat(models.names()).containsExactly("a", "b");
        assertThat(models.defaultModel()).isEqualTo("b");
        assertThat(models.find("a").deployments()).singleElement()
                .satisfies(d -> assertThat(d.url()).isEqualTo("http://127.0.0.1:8090"));
    }
}
