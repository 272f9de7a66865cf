package dev.tollgate.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CatalogFileTest {

    private static final String EXAMPLE = """
            { "models": [
              { "name": "house-llm",
                "prices": { "prompt": 10, "completion": 30 },
                "tokenizer": "cl100k_base", "default_max_tokens": 256, "allowed_roles": ["user"],
                "deployments": [
                  { "kind": "openai", "url": "http://10.0.0.5:8000/v1/", "model": "meta-llama/Llama-3.1-8B-Instruct",
                    "api_key_env": "HOUSE_LLM_KEY", "weight": 3, "max_concurrent": 8 },
                  { "kind": "seed", "url": "http://10.0.0.6:8090" } ] },
              { "name": "small", "prices": { "prompt": 1, "completion": 2 },
                "deployments": [ { "kind": "seed", "url": "https://llm.internal" } ] } ] }
            """;

    @Test
    void theDocumentedExampleReadsWithItsDefaults() {
        Models models = CatalogFile.parse(EXAMPLE, "small");

        assertThat(models.names()).containsExactly("house-llm", "small");
        assertThat(models.defaultModel()).isEqualTo("small");
        Model house = models.find("house-llm");
        assertThat(house.prices()).isEqualTo(new Prices(10, 30));
        assertThat(house.tokenizer()).isEqualTo("cl100k_base");
        assertThat(house.defaultMaxTokens()).isEqualTo(256);
        assertThat(house.allowedRoles()).containsExactly("user");
        Deployment openai = house.deployments().get(0);
        assertThat(openai.kind()).isEqualTo(Deployment.Kind.OPENAI);
        assertThat(openai.url()).isEqualTo("http://10.0.0.5:8000/v1");
        assertThat(openai.weight()).isEqualTo(3);
        assertThat(openai.maxConcurrent()).isEqualTo(8);
        Deployment seed = house.deployments().get(1);
        assertThat(seed.model()).as("the server knows the model by the catalog's name").isEqualTo("house-llm");
        assertThat(seed.weight()).isEqualTo(1);
        assertThat(seed.apiKeyEnv()).isNull();
    }

    @Test
    void withoutThePreferredDefaultTheFirstModelIsTheDefault() {
        assertThat(CatalogFile.parse(EXAMPLE, "sim-1").defaultModel()).isEqualTo("house-llm");
    }

    @Test
    void brokenJsonIsNamedByItsLine() {
        assertThatThrownBy(() -> CatalogFile.parse("{ \"models\": [\n  { \"name\": \"x\",\n    oops } ] }", "x"))
                .isInstanceOf(CatalogFile.Invalid.class).hasMessageStartingWith("line 3");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"models\": []}                                                            | models is empty",
        "{\"modells\": []}                                                           | modells is not a catalog field",
        "[1]                                                                          | the file must be an object",
        "{\"models\": [{\"prices\": {\"prompt\": 1, \"completion\": 1}, \"deployments\": [{\"kind\": \"seed\", \"url\": \"http://a\"}]}]} | models[0].name is missing",
        "{\"models\": [{\"name\": \"m\", \"deployments\": [{\"kind\": \"seed\", \"url\": \"http://a\"}]}]} | models[0].prices is missing",
        "{\"models\": [{\"name\": \"m\", \"prices\": {\"prompt\": -1, \"completion\": 1}, \"deployments\": [{\"kind\": \"seed\", \"url\": \"http://a\"}]}]} | models[0].prices.prompt must be an integer",
        "{\"models\": [{\"name\": \"m\", \"prices\": {\"prompt\": 1, \"completion\": 1}, \"deployments\": []}]} | models[0].deployments is empty",
        "{\"models\": [{\"name\": \"m\", \"prices\": {\"prompt\": 1, \"completion\": 1}, \"deployments\": [{\"kind\": \"grpc\", \"url\": \"http://a\"}]}]} | models[0].deployments[0].kind: 'grpc'",
        "{\"models\": [{\"name\": \"m\", \"prices\": {\"prompt\": 1, \"completion\": 1}, \"deployments\": [{\"kind\": \"seed\", \"url\": \"ftp://a\"}]}]} | models[0].deployments[0].url",
        "{\"models\": [{\"name\": \"m\", \"prices\": {\"prompt\": 1, \"completion\": 1}, \"deployments\": [{\"kind\": \"seed\", \"url\": \"http://a\", \"wieght\": 2}]}]} | models[0].deployments[0].wieght is not a catalog field",
        "{\"models\": [{\"name\": \"m\", \"prices\": {\"prompt\": 1, \"completion\": 1}, \"deployments\": [{\"kind\": \"seed\", \"url\": \"http://a\", \"weight\": 0}]}]} | models[0].deployments[0].weight must be an integer of at least 1",
        "{\"models\": [{\"name\": \"m\", \"prices\": {\"prompt\": 1, \"completion\": 1}, \"deployments\": [{\"kind\": \"openai\", \"url\": \"http://a\", \"api_key_env\": \"not a name\"}]}]} | models[0].deployments[0].api_key_env",
        "{\"models\": [{\"name\": \"m\", \"tokenizer\": \"words\", \"prices\": {\"prompt\": 1, \"completion\": 1}, \"deployments\": [{\"kind\": \"seed\", \"url\": \"http://a\"}]}]} | models[0].tokenizer: 'words'",
        "{\"models\": [{\"name\": \"m\", \"allowed_roles\": [\"wizard\"], \"prices\": {\"prompt\": 1, \"completion\": 1}, \"deployments\": [{\"kind\": \"seed\", \"url\": \"http://a\"}]}]} | models[0].allowed_roles[0] must be one of",
        "{\"models\": [{\"name\": \"m\", \"prices\": {\"prompt\": 1, \"completion\": 1}, \"deployments\": [{\"kind\": \"seed\", \"url\": \"http://a\"}]}, {\"name\": \"m\", \"prices\": {\"prompt\": 1, \"completion\": 1}, \"deployments\": [{\"kind\": \"seed\", \"url\": \"http://a\"}]}]} | models[1].name: 'm' is in the catalog twice",
    })
    void eachMistakeIsNamedByItsField(String file, String said) {
        assertThatThrownBy(() -> CatalogFile.parse(file, "m")).isInstanceOf(CatalogFile.Invalid.class)
                .hasMessageContaining(said.trim());
    }
}
