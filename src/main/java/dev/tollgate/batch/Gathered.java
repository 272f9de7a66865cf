package dev.tollgate.batch;

import dev.tollgate.llm.LlmException;
import dev.tollgate.llm.TokenSink;
import dev.tollgate.llm.TokenStream;
import dev.tollgate.llm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An item's answer gathered whole, as no client reads it token by token. A server that goes on
 * past the item's {@code max_tokens} is cut off there ({@code length}), as chat does.
 */
final class Gathered implements TokenSink {

    /** The whole answer: its text, tool-call deltas as sent, why it ended, and the server's usage (or null). */
    record Answer(String content, List<String> toolCalls, String finishReason, Usage usage, int deltas) {
    }

    private static final CompletableFuture<Void> TAKEN = CompletableFuture.completedFuture(null);

    private final TokenStream stream;
    private final int maxTokens;
    private final StringBuilder content = new StringBuilder();
    private final List<String> toolCalls = new ArrayList<>();
    private final CompletableFuture<Answer> answer = new CompletableFuture<>();
    private String finishReason;
    private Usage usage;
    private int deltas;

    Gathered(TokenStream stream, int maxTokens) {
        this.stream = stream;
        this.maxTokens = maxTokens;
    }

    CompletableFuture<Answer> answer() {
        stream.forwardTo(this);
        return answer;
    }

    @Override
    public synchronized CompletionStage<?> token(String text) {
        content.append(text);
        if (++deltas >= maxTokens && !answer.isDone()) {
            finishReason = "length";
            stream.cancel();
            complete();
        }
        return TAKEN;
    }

    @Override
    public synchronized CompletionStage<?> toolCalls(String json) {
        toolCalls.add(json);
        return TAKEN;
    }

    @Override
    public synchronized void finishReason(String reason) {
        if (finishReason == null) {
            finishReason = reason;
        }
    }

    @Override
    public synchronized void usage(Usage reported) {
        usage = reported;
    }

    @Override
    public synchronized void complete() {
        answer.complete(new Answer(content.toString(), List.copyOf(toolCalls),
                finishReason != null ? finishReason : toolCalls.isEmpty() ? "stop" : "tool_calls", usage, deltas));
    }

    @Override
    public void fail(LlmException failure) {
        answer.completeExceptionally(failure);
    }
}
