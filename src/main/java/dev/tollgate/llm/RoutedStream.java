package dev.tollgate.llm;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/** A stream from one deployment, which counts as open there until it ends or is cancelled. */
final class RoutedStream implements TokenStream {

    private final TokenStream tokens;
    private final Routes.Route route;
    private final AtomicBoolean ended = new AtomicBoolean();

    RoutedStream(TokenStream tokens, Routes.Route route) {
        this.tokens = tokens;
        this.route = route;
    }

    @Override
    public void forwardTo(TokenSink sink) {
        tokens.forwardTo(new TokenSink() {
            @Override
            public CompletionStage<?> token(String content) {
                return sink.token(content);
            }

            @Override
            public CompletionStage<?> toolCalls(String json) {
                return sink.toolCalls(json);
            }

            @Override
            public void finishReason(String reason) {
                sink.finishReason(reason);
            }

            @Override
            public void usage(Usage usage) {
                sink.usage(usage);
            }

            @Override
            public void complete() {
                end();
                sink.complete();
            }

            @Override
            public void fail(LlmException failure) {
                end();
                sink.fail(failure);
            }
        });
    }

    @Override
    public void cancel() {
        end();
        tokens.cancel();
    }

    private void end() {
        if (ended.compareAndSet(false, true)) {
            route.release();
        }
    }
}
