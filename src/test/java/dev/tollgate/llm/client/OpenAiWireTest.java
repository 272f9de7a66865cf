package dev.tollgate.llm.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.llm.ChatPrompt;
import dev.tollgate.llm.LlmRateLimited;
import dev.tollgate.llm.LlmSessionLost;
import dev.tollgate.llm.LlmUnavailable;
import dev.tollgate.llm.Message;
import dev.tollgate.llm.Usage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What real OpenAI-compatible servers send, read into the stream's chunks. */
class OpenAiWireTest {

    private static List<ChatWire.Chunk> read(String data) {
        List<ChatWire.Chunk> chunks = new ArrayList<>();
        OpenAiWire.WIRE.read(data, chunks::add);
        return chunks;
    }

    @Test
    void aContentDeltaIsAToken() {
        assertThat(read("{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}"))
                .containsExactly(new ChatWire.TokenChunk("Hel"));
    }

    @Test
    void emptyChoicesARoleOnlyDeltaAndAFinishOnAnEmptyDeltaCarryNothing() {
        assertThat(read("{\"id\":\"\",\"choices\":[],\"prompt_filter_results\":[]}")).isEmpty(); // Azure's first chunk
        assertThat(read("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}")).isEmpty();
        assertThat(read("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"))
                .containsExactly(new ChatWire.FinishChunk("stop"));
    }

    @Test
    void usageAloneOrInTheLastContentChunkIsRead() {
        assertThat(read("{\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,\"total_tokens\":10}}"))
                .containsExactly(new ChatWire.UsageChunk(new Usage(7, 3)));
        assertThat(read("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"!\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":4}}"))
                .containsExactly(new ChatWire.TokenChunk("!"), new ChatWire.FinishChunk("stop"),
                        new ChatWire.UsageChunk(new Usage(7, 4)));
    }

    @Test
    void errorsMidStreamAreReadFlatOrNestedWithAnyCode() {
        assertThat(read("{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"code\":503}}"))
                .containsExactly(new ChatWire.ErrorChunk("503", "overloaded"));
        assertThat(read("{\"error\":{\"message\":\"bad\",\"code\":\"context_length_exceeded\"}}"))
                .containsExactly(new ChatWire.ErrorChunk("context_length_exceeded", "bad"));
        assertThat(read("{\"error\":\"model crashed\",\"code\":500}"))
                .containsExactly(new ChatWire.ErrorChunk("500", "model crashed"));
    }

    @Test
    void toolCallDeltasPassUnchangedWithTheirFinishReason() {
        String calls = "[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"\"}}]";
        assertThat(read("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":" + calls + "}}]}"))
                .containsExactly(new ChatWire.ToolCallsChunk(Json.createReader(new StringReader(calls)).readArray().toString()));
        assertThat(read("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}"))
                .containsExactly(new ChatWire.FinishChunk("tool_calls"));
    }

    @Test
    void theClientsToolsAndSettingsPassOnWithTollgatesOwnFieldsOnTop() {
        JsonObject sent = Json.createReader(new StringReader("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"weather\"}}],\"temperature\":0.2,"
                + "\"stream\":false,\"model\":\"theirs\"}")).readObject();
        ChatPrompt prompt = new ChatPrompt(UUID.randomUUID(), "u", "c", "house", "hi", 16, null, "r", null, sent);
        JsonObject body = Json.createReader(new StringReader(OpenAiWire.requestBody(prompt, "llama-3"))).readObject();

        assertThat(body.getJsonArray("tools")).isEqualTo(sent.getJsonArray("tools"));
        assertThat(body.getJsonNumber("temperature").doubleValue()).isEqualTo(0.2);
        assertThat(body.getString("model")).isEqualTo("llama-3");
        assertThat(body.getBoolean("stream")).isTrue();
        assertThat(body.getInt("max_tokens")).isEqualTo(16);
    }

    @Test
    void doneEndsAndGarbageIsAnErrorChunk() {
        assertThat(read("[DONE]")).containsExactly(new ChatWire.DoneChunk());
        assertThat(read("{not json")).singleElement().isInstanceOf(ChatWire.ErrorChunk.class);
    }

    @Test
    void statusesAreFailuresWithoutSessions() {
        assertThat(OpenAiWire.WIRE.status(429, "3")).isInstanceOf(LlmRateLimited.class)
                .satisfies(failure -> assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(3)));
        assertThat(OpenAiWire.WIRE.status(404, null)).isInstanceOf(LlmUnavailable.class).isNotInstanceOf(LlmSessionLost.class);
        assertThat(OpenAiWire.WIRE.status(401, null)).isInstanceOf(LlmUnavailable.class);
    }

    @Test
    void theRequestAsksForUsageUnderBothLimitNamesWithTheMessagesAsSent() {
        ChatPrompt prompt = new ChatPrompt(UUID.randomUUID(), "u", "c", "house", "second", 64, null, "r",
                List.of(new Message("system", "Be terse.", null), new Message("user", "second", null)), null);
        JsonObject body = Json.createReader(new StringReader(OpenAiWire.requestBody(prompt, "llama-3"))).readObject();

        assertThat(body.getString("model")).isEqualTo("llama-3");
        assertThat(body.getBoolean("stream")).isTrue();
        assertThat(body.getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
        assertThat(body.getInt("max_tokens")).isEqualTo(64);
        assertThat(body.getInt("max_completion_tokens")).isEqualTo(64);
        assertThat(body.getJsonArray("messages").getValuesAs(JsonObject.class)).extracting(m -> m.getString("role"))
                .containsExactly("system", "user");
    }
}
