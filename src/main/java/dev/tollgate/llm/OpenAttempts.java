package dev.tollgate.llm;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The upstream streams opened for one chat turn, retries included. When the turn gives up before
 * the first token (a fault-tolerance timeout), whatever is still open upstream is cancelled.
 */
public final class OpenAttempts {

    private final List<CompletableFuture<TokenStream>> attempts = new CopyOnWriteArrayList<>();

    CompletableFuture<TokenStream> track(CompletableFuture<TokenStream> attempt) {
        attempts.add(attempt);
        return attempt;
    }

    public void cancelAll() {
        for (CompletableFuture<TokenStream> attempt : attempts) {
            attempt.thenAccept(TokenStream::cancel);
            attempt.cancel(false);
        }
    }
}
