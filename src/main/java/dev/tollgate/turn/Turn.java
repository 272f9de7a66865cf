package dev.tollgate.turn;

import dev.tollgate.llm.LlmException;
import dev.tollgate.llm.TokenSink;
import dev.tollgate.llm.TokenStream;
import dev.tollgate.llm.Usage;
import dev.tollgate.platform.ProblemType;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One answer being relayed: it hears the LLM service ({@link TokenSink}), tells its front
 * ({@link TurnEvents}), is watched by {@link OpenStreams}, and settles itself once, however it
 * ends. No thread waits here between tokens; the settlement's database work runs on Liberty's
 * managed executor, never on the threads that relay tokens. An answer that arrived whole is
 * settled before its usage is shown.
 */
public final class Turn implements TokenSink, WatchedStream {

    static final String COMPLETED = "ok";
    static final String CLIENT_DISCONNECTED = "client_disconnected";

    private final StartedTurn started;
    private final TokenStream upstream;
    private final TurnEvents.Notice notice;
    private final OpenStreams.Place place;
    private final Settlements settlements;
    private final Executor executor;
    private final AtomicBoolean ending = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The settlement, once begun; a failed one is tried again when the turn closes. */
    private final AtomicReference<CompletableFuture<Settlements.Ended>> settlement = new AtomicReference<>();
    private volatile TurnEvents front;
    private volatile long lastUpstreamNanos = System.nanoTime();
    private volatile long lastWriteNanos = System.nanoTime();
    private volatile int delivered;
    private volatile Usage usage;
    private volatile String finishReason;
    /** The answer's text, kept only when Tollgate keeps the session's conversation. */
    private final StringBuilder text = new StringBuilder();

    Turn(StartedTurn started, TokenStream upstream, TurnEvents.Notice notice, OpenStreams.Place place,
         Settlements settlements, Executor executor) {
        this.started = started;
        this.upstream = upstream;
        this.notice = notice;
        this.place = place;
        this.settlements = settlements;
        this.executor = executor;
    }

    /** Starts telling {@code events} about the answer; call once, from the front that asked. */
    public void relayTo(TurnEvents events) {
        this.front = events;
        place.watch(this);
        try {
            written(events.started(new TurnEvents.Started(started.charge().requestId(), started.charge().sessionId(),
                    notice, started.serverTiming())));
        } catch (RuntimeException e) {
            // the front could not begin: the answer is not wanted, and what was taken for it is given back
            ending.set(true);
            upstream.cancel();
            close(ProblemType.INTERNAL_ERROR.code(), null);
            throw e;
        }
        upstream.forwardTo(this);
    }

    @Override
    public CompletionStage<?> token(String content) {
        lastUpstreamNanos = System.nanoTime();
        if (delivered >= started.prompt().maxTokens()) {
            // a server that ignores the answer's limit: the turn ends at it, and the server is let go
            upstream.cancel();
            complete();
            return CompletableFuture.completedFuture(null);
        }
        int index = ++delivered;
        if (started.keepsConversation()) {
            synchronized (text) {
                text.append(content);
            }
        }
        return written(front.token(index, content));
    }

    /** A tool-call delta counts as a token of the answer (for its limit and, without usage, its cost). */
    @Override
    public CompletionStage<?> toolCalls(String json) {
        lastUpstreamNanos = System.nanoTime();
        ++delivered;
        return written(front.toolCalls(json));
    }

    @Override
    public void finishReason(String reason) {
        finishReason = reason;
    }

    @Override
    public void usage(Usage reported) {
        lastUpstreamNanos = System.nanoTime();
        this.usage = reported;
    }

    @Override
    public void complete() {
        if (!ending.compareAndSet(false, true)) {
            return;
        }
        Usage used = usage != null ? usage : new Usage(0, delivered);
        settle(COMPLETED, used).whenComplete((ended, failure) -> {
            if (ended != null) {
                written(front.usage(new TurnEvents.Usage(used.promptTokens(), used.completionTokens(), ended.credits(),
                        ended.balance())));
            }
            // an answer as long as it was allowed to be was cut there, as far as anyone can tell;
            // otherwise the server's word (tool_calls, content_filter …), where it gave one
            String reason = used.completionTokens() >= started.prompt().maxTokens() ? "length"
                    : finishReason != null ? finishReason : "stop";
            written(front.finished(new TurnEvents.Finished(started.elapsedMs(), started.gatewayOverheadMs(), reason)))
                    .whenComplete((ok, error) -> close(COMPLETED, used));
        });
    }

    @Override
    public void fail(LlmException failure) {
        endEarly(failure.type(), failure.getMessage(), failure.retryAfter());
    }

    @Override
    public void upstreamStalled() {
        upstream.cancel();
        endEarly(ProblemType.LLM_TIMEOUT, "The LLM service stopped sending tokens", Duration.ofSeconds(1));
    }

    @Override
    public void serverShutdown() {
        upstream.cancel();
        endEarly(ProblemType.SERVER_SHUTDOWN, "This server is shutting down; retry the request", Duration.ofSeconds(1));
    }

    @Override
    public void heartbeat() {
        written(front.heartbeat());
    }

    @Override
    public long lastUpstreamNanos() {
        return lastUpstreamNanos;
    }

    @Override
    public long lastWriteNanos() {
        return lastWriteNanos;
    }

    private void endEarly(ProblemType type, String message, Duration retryAfter) {
        if (!ending.compareAndSet(false, true)) {
            return;
        }
        written(front.failed(new TurnEvents.Failed(type, message, retryAfter)))
                .whenComplete((ok, error) -> close(type.code(), usage));
    }

    /** Notes each write; one that failed means the client went away. */
    private CompletionStage<?> written(CompletionStage<?> write) {
        return write.whenComplete((ok, error) -> {
            if (error == null) {
                lastWriteNanos = System.nanoTime();
            } else {
                clientGone();
            }
        });
    }

    /** The client went away: stop the upstream now and settle what was delivered. */
    private void clientGone() {
        ending.set(true);
        upstream.cancel();
        close(CLIENT_DISCONNECTED, usage);
    }

    /** Once: the front lets go, the turn is settled (unless it was already), then its place is given back. */
    private void close(String outcome, Usage used) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            front.close();
        } finally {
            settle(outcome, used).whenComplete((ended, failure) -> place.release());
        }
    }

    /**
     * Settles the turn once, off the relaying thread: a later call gets the first settlement,
     * unless that failed. When the server is stopping and its executor refuses work, it is
     * settled here rather than lost.
     */
    private CompletableFuture<Settlements.Ended> settle(String outcome, Usage used) {
        CompletableFuture<Settlements.Ended> mine = new CompletableFuture<>();
        CompletableFuture<Settlements.Ended> earlier = settlement.get();
        if (earlier != null && !earlier.isCompletedExceptionally() || !settlement.compareAndSet(earlier, mine)) {
            return settlement.get();
        }
        int tokens = delivered;
        String answer;
        synchronized (text) {
            answer = text.toString();
        }
        Runnable work = () -> {
            try {
                mine.complete(settlements.answered(started, outcome, used, tokens, answer));
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
            }
        };
        try {
            executor.execute(work);
        } catch (RejectedExecutionException stopping) {
            work.run();
        }
        return mine;
    }
}
