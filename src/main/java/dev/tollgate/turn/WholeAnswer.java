package dev.tollgate.turn;

import dev.tollgate.platform.Refusal;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A turn gathered into one piece, for a front that answers once: nothing is written before the
 * end, so no thread waits and no heartbeat is needed. It completes with the answer, or with why
 * the answer broke off.
 */
public final class WholeAnswer implements TurnEvents {

    /** The answer, whole ({@code failure} null) or broken off ({@code failure} set, the rest as far as it came). */
    public record Outcome(Started started, String content, List<String> toolCalls, Usage usage, Finished finished,
                          Refusal failure) {
    }

    private static final CompletableFuture<Void> WRITTEN = CompletableFuture.completedFuture(null);

    private final StringBuilder content = new StringBuilder();
    /** The tool-call deltas in order, as sent: the front that answers knows how to join them. */
    private final List<String> toolCalls = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Outcome> result = new CompletableFuture<>();
    private volatile Started started;
    private volatile Usage usage;

    public CompletionStage<Outcome> result() {
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
    public CompletionStage<?> toolCalls(String json) {
        toolCalls.add(json);
        return WRITTEN;
    }

    @Override
    public CompletionStage<?> usage(Usage settled) {
        usage = settled;
        return WRITTEN;
    }

    @Override
    public CompletionStage<?> finished(Finished finished) {
        result.complete(new Outcome(started, text(), List.copyOf(toolCalls), usage, finished, null));
        return WRITTEN;
    }

    @Override
    public CompletionStage<?> failed(Failed failed) {
        result.complete(new Outcome(started, text(), List.copyOf(toolCalls), usage, null,
                Refusal.of(failed.type(), failed.message(), failed.retryAfter())));
        return WRITTEN;
    }

    @Override
    public CompletionStage<?> heartbeat() {
        return WRITTEN;
    }

    @Override
    public void close() {
        // nothing to let go of: the front that waits for the result sends it
    }

    private synchronized String text() {
        return content.toString();
    }
}
