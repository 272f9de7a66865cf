package dev.tollgate.llm;

import java.util.concurrent.CompletionStage;

/**
 * Where a {@link TokenStream} delivers. The stream asks the LLM service for more only after the
 * stage returned by {@link #token} completes: that is the backpressure from a slow client.
 */
public interface TokenSink {

    CompletionStage<?> token(String content);

    void usage(Usage usage);

    void complete();

    void fail(LlmException failure);
}
