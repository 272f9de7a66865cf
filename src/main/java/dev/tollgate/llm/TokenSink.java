package dev.tollgate.llm;

import java.util.concurrent.CompletionStage;

/**
 * Where a {@link TokenStream} delivers. The stream asks the LLM service for more only after the
 * stage returned by {@link #token} completes: that is the backpressure from a slow client.
 */
public interface TokenSink {

    CompletionStage<?> token(String content);

    /** One delta of the tool calls the model makes, as the server sent it (OpenAI's {@code tool_calls} array). */
    CompletionStage<?> toolCalls(String json);

    /** Why the server says the answer ended ({@code stop}, {@code length}, {@code tool_calls} …), where it says so. */
    void finishReason(String reason);

    void usage(Usage usage);

    void complete();

    void fail(LlmException failure);
}
