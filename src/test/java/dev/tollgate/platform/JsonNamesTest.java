package dev.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonNamesTest {

    public record Sample(String maxTokens, String sessionId, String query) {
    }

    @Test
    void javaNamesBecomeTheWireSpellingJsonbUses() {
        String json = JsonFormat.JSONB.toJson(new Sample("a", "b", "c"));
        assertThat(json).contains("\"" + JsonNames.snake("maxTokens") + "\"")
                .contains("\"" + JsonNames.snake("sessionId") + "\"")
                .contains("\"" + JsonNames.snake("query") + "\"");
    }
}
