package dev.tollgate.llm.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.llm.ChatPrompt;
import dev.tollgate.llm.Usage;
import jakarta.json.Json;
import java.io.StringReader;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ChatWireTest {

    @Test
    void tokensUsageDoneAndErrorsAreRecognised() {
        assertThat(ChatWire.parse("{\"content\":\" hi\"}")).isEqualTo(new ChatWire.TokenChunk(" hi"));
        assertThat(ChatWire.parse("{\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":9}}"))
                .isEqualTo(new ChatWire.UsageChunk(new Usage(3, 9)));
        assertThat(ChatWire.parse(" [DONE] ")).isInstanceOf(ChatWire.DoneChunk.class);
        assertThat(ChatWire.parse("{\"error\":{\"code\":\"overloaded\",\"message\":\"busy\"}}"))
                .isEqualTo(new ChatWire.ErrorChunk("overloaded", "busy"));
    }

    @Test
    void garbageBecomesAnErrorChunkNotAnException() {
        assertThat(ChatWire.parse("{not json")).isInstanceOf(ChatWire.ErrorChunk.class);
        assertThat(ChatWire.parse("[1,2]")).isInstanceOf(ChatWire.ErrorChunk.class);
        assertThat(ChatWire.parse("{\"content\":42}")).isInstanceOf(ChatWire.ErrorChunk.class);
        assertThat(ChatWire.parse("{\"other\":1}")).isInstanceOf(ChatWire.ErrorChunk.class);
    }

    @Test
    void theRequestBodyCarriesSessionQueryAndLimitSafelyEscaped() {
        UUID session = UUID.randomUUID();
        String body = ChatWire.requestBody(new ChatPrompt(session, "u1", "acme", "sim-1", "say \"hi\"\n", 64,
                java.util.Map.of("year", 2024, "department", "legal"), "req-1", null, null));
        var json = Json.createReader(new StringReader(body)).readObject();
        assertThat(json.getString("session_id")).isEqualTo(session.toString());
        assertThat(json.getString("query")).isEqualTo("say \"hi\"\n");
        assertThat(json.getInt("max_tokens")).isEqualTo(64);
        assertThat(json.getString("model")).isEqualTo("sim-1");
        assertThat(json.getJsonObject("filters").getInt("year")).isEqualTo(2024);
        assertThat(json.getJsonObject("filters").getString("department")).isEqualTo("legal");
    }
}
