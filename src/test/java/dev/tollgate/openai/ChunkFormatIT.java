package dev.tollgate.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The /v1 wire as the SDKs read it, byte for byte: the frames of a stream, and the errors' shape. */
@ExtendWith(UsesSimulator.class)
class ChunkFormatIT {

    private static HttpResponse<String> post(Client user, String body) {
        return Api.send(Api.request("/v1/chat/completions", user.token()).header("Content-Type", "application/json")
                .header("Accept", "application/json") // as the SDKs send it, streaming or not
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** The {@code data:} payloads of a stream, in order. */
    private static List<String> frames(HttpResponse<String> answer) {
        return answer.body().lines().filter(line -> line.startsWith("data:")).map(line -> line.substring(5).strip())
                .toList();
    }

    private static String streamed(String query, String extra) {
        return "{\"model\":\"sim-1\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + query + "\"}]"
                + extra + "}";
    }

    @Test
    void aStreamIsRoleFirstThenDeltasThenTheFinishReasonThenDone() {
        HttpResponse<String> answer = post(Client.freshUser(), streamed("frames [[sim tokens=3]]", ""));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        assertThat(answer.headers().firstValue("X-Request-Id")).isPresent();
        List<String> frames = frames(answer);
        assertThat(frames.get(frames.size() - 1)).isEqualTo("[DONE]");
        List<JsonObject> chunks = frames.subList(0, frames.size() - 1).stream().map(Api::parse).toList();
        assertThat(chunks).hasSize(5); // the role, 3 tokens, the finish reason: no usage chunk unless asked
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.getString("id")).isEqualTo(chunks.get(0).getString("id"));
            assertThat(chunk.getString("object")).isEqualTo("chat.completion.chunk");
            assertThat(chunk.getString("model")).isEqualTo("sim-1");
            assertThat(chunk.getJsonNumber("created").longValue()).isPositive();
            assertThat(chunk.getJsonArray("choices")).hasSize(1);
            assertThat(chunk.getJsonArray("choices").getJsonObject(0).getInt("index")).isZero();
        });
        assertThat(chunks.get(0).getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("role"))
                .isEqualTo("assistant");
        assertThat(chunks.get(4).getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("stop");
    }

    @Test
    void anAnswerCutByItsTokenLimitFinishesWithLengthAndUsageComesWhenAsked() {
        HttpResponse<String> answer = post(Client.freshUser(), streamed("cut [[sim tokens=50]]",
                ",\"max_completion_tokens\":4,\"stream_options\":{\"include_usage\":true}"));

        List<String> frames = frames(answer);
        JsonObject usage = Api.parse(frames.get(frames.size() - 2));
        assertThat(usage.getJsonArray("choices")).isEmpty();
        assertThat(usage.getJsonObject("usage").getInt("completion_tokens")).isEqualTo(4);
        JsonObject last = Api.parse(frames.get(frames.size() - 3));
        assertThat(last.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("length");
    }

    @Test
    void aFailureAfterTheFirstChunkIsOneErrorFrameThenTheEnd() {
        HttpResponse<String> answer = post(Client.freshUser(), streamed("dies [[sim tokens=20 disconnect_after=3]]", ""));

        List<String> frames = frames(answer);
        JsonObject error = Api.parse(frames.get(frames.size() - 1)).getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo("llm_unavailable");
        assertThat(error.getString("type")).isEqualTo("server_error");
        assertThat(frames).doesNotContain("[DONE]");
    }

    @Test
    void unknownFieldsAreIgnoredAsOpenAiDoesAndPartsAndDeveloperAreAccepted() {
        HttpResponse<String> answer = post(Client.freshUser(), """
                {"model":"sim-1","messages":[{"role":"developer","content":"Be brief."},
                 {"role":"user","content":[{"type":"text","text":"parts "},{"type":"text","text":"[[sim tokens=2]]"}]}],
                 "max_tokens":10,"temperature":0.2,"seed":7,"user":"u-1","safety_identifier":"s","prompt_cache_key":"k",
                 "a_field_from_next_year":{"x":1}}""");

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonObject completion = Api.parse(answer.body());
        assertThat(completion.getString("object")).isEqualTo("chat.completion");
        assertThat(completion.getJsonObject("usage").getInt("completion_tokens")).isEqualTo(2);
        assertThat(answer.headers().firstValue("openai-processing-ms")).isPresent();
        assertThat(answer.headers().firstValue("X-Session-Id")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"model\":\"sim-1\",\"messages\":\"hi\"}", "{\"model\":7,\"messages\":[]}",
            "{\"model\":\"sim-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":2}",
            "{\"model\":\"sim-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":\"many\"}",
            "{\"model\":\"sim-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":\"yes\"}",
            "{\"model\":\"sim-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[]}",
            "{\"model\":\"sim-1\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", "not json"})
    void aBadRequestIsOpenAisErrorObjectAnd400(String body) {
        HttpResponse<String> answer = post(Client.freshUser(), body);

        assertThat(answer.statusCode()).isEqualTo(400);
        JsonObject error = Api.parse(answer.body()).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("invalid_request_error");
        assertThat(error.getString("message")).isNotBlank();
        assertThat(error.containsKey("param")).isTrue();
        assertThat(error.getString("request_id")).isEqualTo(answer.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void someoneElsesSessionIsNotFoundHereToo() {
        Client owner = Client.freshUser();
        String session = owner.startSession();

        HttpResponse<String> answer = Api.send(Api.request("/v1/chat/completions", Client.freshUser().token())
                .header("Content-Type", "application/json").header("X-Session-Id", session)
                .POST(Api.json(Map.of("model", "sim-1", "messages", List.of(Map.of("role", "user", "content", "hi")))))
                .build());

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(Api.parse(answer.body()).getJsonObject("error").getString("code")).isEqualTo("session_not_found");
    }
}
