package dev.tollgate.chat;

import dev.tollgate.platform.Refusal;
import dev.tollgate.turn.TurnEvents;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A turn gathered into one JSON answer: nothing is written before the end, so no thread waits
 * and no heartbeat is needed. It completes with the answer, or with why the answer broke off.
 */
final class JsonAnswer implements TurnEvents {

    /** The whole answer, or the failure that ended it early (exactly one is set). */
    record Outcome(ChatAnswer answer, Refusal failure) {
    }

    private static final CompletableFuture<Void> WRITTEN = CompletableFuture.completedFuture(null);

    private final StringBuilder content = new StringBuilder();
    private final CompletableFuture<Outcome> result = new CompletableFuture<>();
    private volatile Started started;
    private volatile Usage usage;

    CompletionStage<Outcome> result() {
        return result;
    }

    @Override
    public CompletionStage<?> started(Started begun) {
        started = begun;
        return WRITTEN;
    }

    @Override
    public synchronized CompletionStage<?> token(int index, String text) {
        content.append(text);
        return WRITTEN;
    }

    @Override
    public CompletionStage<?> usage(Usage settled) {
        usage = settled;
        return WRITTEN;
    }

    @Override
    public CompletionStage<?> finished(Finished finished) {
        String text;
        synchronized (this) {
            text = content.toString();
        }
        result.complete(new Outcome(new ChatAnswer(started.requestId(), started.sessionId(), text, usage,
                finished.finishReason(), finished.responseTimeMs(), finished.gatewayOverheadMs(), started.notice()), null));
        return WRITTEN;
    }

    @Override
    public CompletionStage<?> failed(Failed failed) {
        result.complete(new Outcome(null, Refusal.of(failed.type(), failed.message(), failed.retryAfter())));
        return WRITTEN;
    }

    @Override
    public CompletionStage<?> heartbeat() {
        return WRITTEN;
    }

    @Override
    public void close() {
        // nothing to let go of: the answer is sent by the resource that waits for the result
    }
}
