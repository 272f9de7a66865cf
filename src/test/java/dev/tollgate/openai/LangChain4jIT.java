package dev.tollgate.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.tollgate.testing.Chats;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Credential;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;

/** LangChain4j's OpenAI chat models against the /v1 front, configured with nothing but a base URL and a key. */
@ExtendWith(UsesSimulator.class)
class LangChain4jIT {

    @ParameterizedTest
    @EnumSource(Credential.class)
    void theStreamingModelGetsEachTokenAndTheUsage(Credential credential) throws Exception {
        Client user = credential.freshCaller();
        String query = "langchain [[sim tokens=4 delay_ms=20]]";
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(TestEnv.baseUrl() + "/v1")
                .apiKey(user.token()).modelName("sim-1").timeout(Duration.ofSeconds(30)).build();
        List<String> partials = new ArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        model.chat(query, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                partials.add(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(30, TimeUnit.SECONDS);

        assertThat(partials).hasSizeGreaterThanOrEqualTo(4);
        assertThat(String.join("", partials)).isEqualTo(Chats.text(user.stream(query)));
        assertThat(response.aiMessage().text()).isEqualTo(String.join("", partials));
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(Credential.class)
    void theBlockingModelGetsTheWholeAnswer(Credential credential) {
        Client user = credential.freshCaller();
        String query = "langchain whole [[sim tokens=3]]";
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(TestEnv.baseUrl() + "/v1").apiKey(user.token())
                .modelName("sim-1").maxRetries(0).build();

        ChatResponse response = model.chat(dev.langchain4j.data.message.UserMessage.from(query));

        assertThat(response.aiMessage().text()).isEqualTo(Chats.text(user.stream(query)));
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(3);
    }
}
