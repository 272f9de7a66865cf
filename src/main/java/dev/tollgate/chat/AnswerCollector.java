package dev.tollgate.chat;

import dev.tollgate.llm.LlmException;
import dev.tollgate.llm.LlmTimeout;
import dev.tollgate.llm.LlmUnavailable;
import dev.tollgate.llm.TokenSink;
import dev.tollgate.llm.TokenStream;
import dev.tollgate.llm.Usage;
import dev.tollgate.streaming.RelayListener;
import dev.tollgate.streaming.RelayOutcome;
import dev.tollgate.streaming.StreamEvents;
import dev.tollgate.streaming.WatchedStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/** Gathers a streamed answer into one piece for the JSON endpoint; no thread waits for it. */
final class AnswerCollector implements TokenSink, WatchedStream {

    record Collected(String content, StreamEvents.UsageReport usage) {
    }

    private final RelayListener listener;
    private final TokenStream upstream;
    private final StringBuilder content = new StringBuilder();
    private final CompletableFuture<Collected> result = new CompletableFuture<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long lastUpstreamNanos = System.nanoTime();
    private volatile int tokens;
    private volatile Usage usage;

    AnswerCollector(RelayListener listener, TokenStream upstream) {
        this.listener = listener;
        this.upstream = upstream;
    }

    CompletableFuture<Collected> result() {
        return result;
    }

    @Override
    public synchronized CompletionStage<?> token(String text) {
        lastUpstreamNanos = System.nanoTime();
        content.append(text);
        tokens++;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void usage(Usage reported) {
        lastUpstreamNanos = System.nanoTime();
        usage = reported;
    }

    @Override
    public void complete() {
        if (ended.compareAndSet(false, true)) {
            Usage finalUsage = usage != null ? usage : new Usage(0, tokens);
            String text;
            synchronized (this) {
                text = content.toString();
            }
            listener.finished(finalUsage).whenComplete((report, failure) -> {
                listener.closed(new RelayOutcome(RelayOutcome.COMPLETED, tokens, finalUsage));
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    result.complete(new Collected(text, report));
                }
            });
        }
    }

    @Override
    public void fail(LlmException failure) {
        if (ended.compareAndSet(false, true)) {
            listener.closed(new RelayOutcome(failure.code(), tokens, usage));
            result.completeExceptionally(failure);
        }
    }

    @Override
    public long lastUpstreamNanos() {
        return lastUpstreamNanos;
    }

    @Override
    public long lastWriteNanos() {
        return System.nanoTime(); // nothing is written before the end: no heartbeats needed
    }

    @Override
    public void heartbeat() {
    }

    @Override
    public void upstreamStalled() {
        upstream.cancel();
        fail(new LlmTimeout("The LLM service stopped sending tokens", Duration.ofSeconds(1)));
    }

    @Override
    public void serverShutdown() {
        upstream.cancel();
        fail(new LlmUnavailable("This server is shutting down; retry the request", Duration.ofSeconds(1)));
    }
}
