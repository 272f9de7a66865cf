package dev.tollgate.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** OpenAI's Batch API as the official Java SDK drives it: upload, create, poll, read the output and error files. */
@ExtendWith(UsesSimulator.class)
class BatchSdkIT {

    private static final Set<Batch.Status> ENDED = Set.of(Batch.Status.COMPLETED, Batch.Status.FAILED,
            Batch.Status.EXPIRED, Batch.Status.CANCELLED);

    private static OpenAIClient sdk(Client user) {
        return OpenAIOkHttpClient.builder().baseUrl(TestEnv.baseUrl() + "/v1").apiKey(user.token()).maxRetries(0).build();
    }

    /** OpenAI's input line for a chat completion. */
    private static String line(String customId, String text) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                + "\"body\":{\"model\":\"sim-batch\",\"max_tokens\":10,\"messages\":[{\"role\":\"system\",\"content\":\"Be terse.\"},"
                + "{\"role\":\"user\",\"content\":\"" + text + "\"}]}}";
    }

    private static FileObject upload(OpenAIClient sdk, String jsonl) {
        return sdk.files().create(FileCreateParams.builder().file(jsonl.getBytes(StandardCharsets.UTF_8))
                .purpose(FilePurpose.BATCH).build());
    }

    private static Batch start(OpenAIClient sdk, String fileId) {
        return sdk.batches().create(BatchCreateParams.builder().inputFileId(fileId)
                .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS)
                .completionWindow(BatchCreateParams.CompletionWindow._24H).build());
    }

    private static Batch awaitEnd(OpenAIClient sdk, String id) {
        return await().pollInterval(Duration.ofMillis(250)).atMost(Duration.ofSeconds(90)).until(() -> sdk.batches().retrieve(id).validate(),
                b -> ENDED.contains(b.status()));
    }

    private static List<JsonObject> lines(OpenAIClient sdk, String fileId) throws IOException {
        try (HttpResponse content = sdk.files().content(fileId); InputStream body = content.body()) {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8).lines().map(Api::parse).toList();
        }
    }

    @Test
    void aFileOfRequestsBecomesABatchWhoseOutputFileHoldsEachCompletion() throws IOException {
        Client user = Client.freshUser();
        OpenAIClient sdk = sdk(user);
        String tag = UUID.randomUUID().toString();
        String jsonl = IntStream.range(0, 3).mapToObj(i -> line("req-" + i, "[[sim tokens=" + (2 + i) + "]] sdk " + i + " " + tag))
                .collect(Collectors.joining("\n")) + "\n";

        FileObject input = upload(sdk, jsonl).validate();
        assertThat(input.id()).startsWith("file-");
        assertThat(input.purpose()).isEqualTo(FileObject.Purpose.BATCH);
        assertThat(input.bytes()).isEqualTo(jsonl.getBytes(StandardCharsets.UTF_8).length);
        assertThat(sdk.files().retrieve(input.id()).validate().id()).isEqualTo(input.id());
        try (HttpResponse content = sdk.files().content(input.id()); InputStream body = content.body()) {
            assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(jsonl);
        }

        Batch created = start(sdk, input.id()).validate();
        assertThat(created.id()).startsWith("batch_");
        assertThat(created.inputFileId()).isEqualTo(input.id());
        assertThat(created.status()).isIn(Batch.Status.VALIDATING, Batch.Status.IN_PROGRESS);
        Batch done = awaitEnd(sdk, created.id());

        assertThat(done.status()).isEqualTo(Batch.Status.COMPLETED);
        assertThat(done.requestCounts()).hasValueSatisfying(counts -> {
            assertThat(counts.total()).isEqualTo(3);
            assertThat(counts.completed()).isEqualTo(3);
            assertThat(counts.failed()).isZero();
        });
        assertThat(done.errorFileId()).isEmpty();
        String outputId = done.outputFileId().orElseThrow();
        assertThat(sdk.files().retrieve(outputId).validate().purpose()).isEqualTo(FileObject.Purpose.BATCH_OUTPUT);
        List<JsonObject> output = lines(sdk, outputId);
        assertThat(output).extracting(l -> l.getString("custom_id")).containsExactly("req-0", "req-1", "req-2");
        for (int i = 0; i < 3; i++) {
            JsonObject response = output.get(i).getJsonObject("response");
            assertThat(response.getInt("status_code")).isEqualTo(200);
            JsonObject completion = response.getJsonObject("body");
            assertThat(completion.getString("object")).isEqualTo("chat.completion");
            assertThat(completion.getString("model")).isEqualTo("sim-batch");
            assertThat(completion.getJsonObject("usage").getInt("completion_tokens")).isEqualTo(2 + i);
            assertThat(completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
                    .isNotBlank();
        }
        assertThat(sdk.batches().list().data()).extracting(Batch::id).contains(created.id());
        // the native front shows the same batch, with its credits settled
        String hex = done.id().substring("batch_".length());
        UUID nativeId = new UUID(Long.parseUnsignedLong(hex.substring(0, 16), 16), Long.parseUnsignedLong(hex.substring(16), 16));
        JsonObject same = user.read("/api/v1/batches/" + nativeId);
        assertThat(same.getJsonObject("credits").getJsonNumber("released").longValue())
                .isEqualTo(same.getJsonObject("credits").getJsonNumber("held").longValue()
                        - same.getJsonObject("credits").getJsonNumber("captured").longValue());
    }

    @Test
    void aCancelledBatchListsWhatDidNotRunInItsErrorFile() throws IOException {
        Client user = Client.freshUser();
        OpenAIClient sdk = sdk(user);
        String tag = UUID.randomUUID().toString();
        String jsonl = IntStream.range(0, 100).mapToObj(i -> line("slow-" + i, "[[sim tokens=2 ttft_ms=1000]] slow " + i + " " + tag))
                .collect(Collectors.joining("\n"));
        Batch created = start(sdk, upload(sdk, jsonl).id());

        Batch cancelling = sdk.batches().cancel(created.id()).validate();
        assertThat(cancelling.status()).isIn(Batch.Status.CANCELLING, Batch.Status.CANCELLED);
        Batch cancelled = awaitEnd(sdk, created.id());

        assertThat(cancelled.status()).isEqualTo(Batch.Status.CANCELLED);
        assertThat(cancelled.cancelledAt()).isPresent();
        long completed = cancelled.requestCounts().orElseThrow().completed();
        List<JsonObject> errors = lines(sdk, cancelled.errorFileId().orElseThrow());
        assertThat(errors).hasSize(100 - (int) completed).allSatisfy(line -> {
            assertThat(line.isNull("response")).isTrue();
            assertThat(line.getJsonObject("error").getString("code")).isEqualTo("batch_cancelled");
        });
    }

    @Test
    void aWrongLineIsRefusedOnUploadNamingIt() {
        OpenAIClient sdk = sdk(Client.freshUser());
        String jsonl = line("ok", "fine") + "\n" + line("ok", "the same custom_id") + "\n";

        BadRequestException refused = catchThrowableOfType(BadRequestException.class, () -> upload(sdk, jsonl));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.getMessage()).contains("line 2");
    }
}
