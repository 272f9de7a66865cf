package dev.tollgate.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.errors.UnexpectedStatusCodeException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import dev.tollgate.testing.Api;
import dev.tollgate.testing.Chats;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Credential;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The /v1 front as OpenAI's own Java SDK uses it, unchanged but for the base URL and the key:
 * whole and streamed completions, the model list, and the SDK's exception for each refusal.
 */
@ExtendWith(UsesSimulator.class)
class OpenAiSdkIT {

    private static OpenAIClient sdk(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(TestEnv.baseUrl() + "/v1").apiKey(key).maxRetries(0).build();
    }

    private static ChatCompletionCreateParams.Builder ask(String text) {
        return ChatCompletionCreateParams.builder().model("sim-1").addSystemMessage("You are terse.")
                .addUserMessage(text);
    }

    @ParameterizedTest
    @EnumSource(Credential.class)
    void aWholeCompletionIsTheNativeAnswersTextWithItsUsage(Credential credential) {
        Client user = credential.freshCaller();
        String query = "hello sdk [[sim tokens=4]]";

        ChatCompletion completion = sdk(user.token()).chat().completions().create(ask(query).build());

        assertThat(completion.id()).startsWith("chatcmpl-");
        assertThat(completion.model()).isEqualTo("sim-1");
        assertThat(completion.choices()).singleElement().satisfies(choice -> {
            assertThat(choice.index()).isZero();
            assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
            assertThat(choice.message().content()).contains(Chats.text(user.stream(query)));
        });
        assertThat(completion.usage()).hasValueSatisfying(usage -> {
            assertThat(usage.completionTokens()).isEqualTo(4);
            assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + 4);
        });
        // the same turn as the native front: held, captured and audited under its own action
        assertThat(user.auditEvents("action=chat.completions")).singleElement()
                .satisfies(event -> assertThat(event.getString("outcome")).isEqualTo("ok"));
    }

    @ParameterizedTest
    @EnumSource(Credential.class)
    void aStreamedCompletionSharesOneIdStartsWithTheRoleAndEndsWithUsage(Credential credential) {
        Client user = credential.freshCaller();
        String query = "stream sdk [[sim tokens=5 delay_ms=20]]";
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = sdk(user.token()).chat().completions().createStreaming(
                ask(query).streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            chunks = stream.stream().toList();
        }

        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.get(0).id());
        assertThat(chunks.get(0).choices().get(0).delta().role()).hasValue(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
        List<ChatCompletionChunk> withChoices = chunks.stream().filter(c -> !c.choices().isEmpty()).toList();
        assertThat(withChoices).allSatisfy(c -> assertThat(c.choices().get(0).index()).isZero());
        String text = withChoices.stream().map(c -> c.choices().get(0).delta().content().orElse(""))
                .collect(Collectors.joining());
        assertThat(text).isEqualTo(Chats.text(user.stream(query)));
        assertThat(withChoices.get(withChoices.size() - 1).choices().get(0).finishReason())
                .hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage()).hasValueSatisfying(usage -> assertThat(usage.completionTokens()).isEqualTo(5));
    }

    @ParameterizedTest
    @EnumSource(Credential.class)
    void theModelsAreThePricedOnes(Credential credential) {
        String token = credential.freshCaller().token();
        List<Model> models = sdk(token).models().list().data();

        assertThat(models).extracting(Model::id).contains("sim-1");
        assertThat(sdk(token).models().retrieve("sim-1").ownedBy()).isEqualTo("tollgate");
    }

    @ParameterizedTest
    @EnumSource(Credential.class)
    void eachRefusalIsTheSdksOwnException(Credential credential) {
        UnauthorizedException badKey = catchThrowableOfType(UnauthorizedException.class,
                () -> sdk("not-a-token").chat().completions().create(ask("hi").build()));
        assertThat(badKey.statusCode()).isEqualTo(401);

        UnauthorizedException forgedKey = catchThrowableOfType(UnauthorizedException.class,
                () -> sdk("tg_" + "0".repeat(12) + "_" + "A".repeat(43)).chat().completions().create(ask("hi").build()));
        assertThat(forgedKey.statusCode()).isEqualTo(401);

        String token = credential.freshCaller().token();
        NotFoundException unknownModel = catchThrowableOfType(NotFoundException.class,
                () -> sdk(token).chat().completions().create(ask("hi").model("gpt-nothing").build()));
        assertThat(unknownModel.code()).hasValue("model_not_found");

        RateLimitException busy = catchThrowableOfType(RateLimitException.class,
                () -> sdk(token).chat().completions().create(ask("busy [[sim fault=http429]]").build()));
        assertThat(busy.headers().values("retry-after")).containsExactly("7");
    }

    @ParameterizedTest
    @EnumSource(Credential.class)
    void aUsedUpRateLimitIsTheSdksRateLimitExceptionWithOpenAisHeaders(Credential credential) {
        Client user = credential.freshCaller();
        HttpResponse<String> set = Api.send(Api.request("/api/v1/admin/rate-limits/" + user.company(),
                        user.colleague("billing_admin").token()).header("Content-Type", "application/json")
                .PUT(Api.json(Map.of("user_requests_per_minute", 0))).build());
        assertThat(set.statusCode()).isEqualTo(200);

        // the servers read a company's limits again within seconds
        RateLimitException refused = await().until(() -> catchThrowableOfType(RateLimitException.class,
                () -> sdk(user.token()).models().list()), Objects::nonNull);

        assertThat(refused.headers().values("x-ratelimit-limit-requests")).containsExactly("0");
        assertThat(refused.headers().values("x-ratelimit-remaining-requests")).containsExactly("0");
        assertThat(refused.headers().values("x-ratelimit-reset-requests")).singleElement()
                .satisfies(reset -> assertThat(reset).matches("\\d+s"));
        assertThat(refused.headers().values("retry-after")).singleElement()
                .satisfies(seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
    }

    @ParameterizedTest
    @EnumSource(Credential.class)
    void anEmptyPoolIs402AndTheSdkIsToldNotToRetry(Credential credential) {
        Client user = credential.freshCaller();
        String session = user.startSession();
        long left = user.balance();
        // spend the rest of the pool the way the ledger would, keeping balance = sum of entries
        Db.rows("update credit_account set balance = 0 where company_id = ? returning balance", user.company());
        Db.rows("insert into ledger_entry (company_id, kind, amount, idempotency_key, created_at) "
                + "values (?, 'DEBIT', ?, ?, now()) returning id", user.company(), -left, "test-spend:" + user.company());

        UnexpectedStatusCodeException unpaid = catchThrowableOfType(UnexpectedStatusCodeException.class,
                () -> OpenAIOkHttpClient.builder().baseUrl(TestEnv.baseUrl() + "/v1").apiKey(user.token())
                        .putHeader("X-Session-Id", session).build()
                        .chat().completions().create(ask("unpaid").build()));

        assertThat(unpaid.statusCode()).isEqualTo(402);
        assertThat(unpaid.code()).hasValue("insufficient_credits");
        assertThat(unpaid.headers().values("x-should-retry")).containsExactly("false");
        assertThat(user.balance()).isZero();
    }
}
