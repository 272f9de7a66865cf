package dev.tollgate.llm.client;

import dev.tollgate.llm.LlmException;
import dev.tollgate.llm.LlmUnavailable;
import dev.tollgate.llm.TokenSink;
import dev.tollgate.llm.TokenStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One streaming answer read line by line from the JDK HttpClient. It keeps a window of lines
 * requested and replaces a token's line only when the sink has written that token, so a slow
 * client slows the upstream read instead of filling memory. (A window of one made the client
 * re-schedule its reader after every line: 1.4 ms of CPU per token at 50 streams.)
 * {@link #started()} completes with the first event.
 */
final class UpstreamStream implements TokenStream, Flow.Subscriber<String> {

    /** Lines requested ahead; an SSE event is two or three lines. */
    static final int WINDOW = 32;

    private final CompletableFuture<TokenStream> started = new CompletableFuture<>();
    private final SseLineDecoder decoder = new SseLineDecoder();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;
    /** Events that arrived before a sink was attached: the first one, and at most a window more. */
    private final Deque<ChatWire.Chunk> early = new ArrayDeque<>();
    private LlmException failureBeforeSink;
    private TokenSink sink;

    CompletableFuture<TokenStream> started() {
        return started;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (cancelled) {
            s.cancel();
        } else {
            s.request(WINDOW);
        }
    }

    @Override
    public void onNext(String line) {
        String data = decoder.accept(line);
        if (data == null) {
            subscription.request(1);
            return;
        }
        ChatWire.Chunk chunk = ChatWire.parse(data);
        synchronized (this) {
            if (sink == null) {
                early.add(chunk);
                started.complete(this);
                return;
            }
        }
        deliver(chunk, sink);
    }

    @Override
    public void forwardTo(TokenSink target) {
        LlmException failure;
        while (true) {
            List<ChatWire.Chunk> batch;
            synchronized (this) {
                batch = List.copyOf(early);
                early.clear();
                if (batch.isEmpty()) {
                    sink = target; // from now on onNext delivers directly, after everything buffered
                    failure = failureBeforeSink;
                    break;
                }
            }
            batch.forEach(chunk -> deliver(chunk, target));
        }
        if (failure != null) {
            end(failure);
        }
    }

    private void deliver(ChatWire.Chunk chunk, TokenSink sink) {
        if (chunk instanceof ChatWire.TokenChunk token) {
            sink.token(token.content()).whenComplete((ok, error) -> {
                if (error == null) {
                    subscription.request(1);
                } else {
                    cancel(); // the client is gone; the sink already knows
                }
            });
        } else if (chunk instanceof ChatWire.UsageChunk usage) {
            sink.usage(usage.usage());
            subscription.request(1);
        } else if (chunk instanceof ChatWire.DoneChunk) {
            if (ended.compareAndSet(false, true)) {
                sink.complete();
            }
            subscription.request(1);
        } else if (chunk instanceof ChatWire.ErrorChunk error) {
            end(new LlmUnavailable("LLM service reported " + error.code(), null));
        }
    }

    @Override
    public void onError(Throwable throwable) {
        end(cancelled ? null : UpstreamErrors.unreachable(throwable));
    }

    @Override
    public void onComplete() {
        if (ended.get() && started.isDone()) {
            return; // the usual end, after [DONE]: no failure to build (an exception, with its stack trace)
        }
        end(new LlmUnavailable("LLM service ended the stream before [DONE]", null));
    }

    /** Ends the stream with a failure, unless it already ended (normally, or by cancel). */
    void end(LlmException failure) {
        if (!started.isDone()) {
            started.completeExceptionally(failure != null ? failure : new LlmUnavailable("cancelled", null));
            return;
        }
        if (failure == null) {
            return;
        }
        synchronized (this) {
            if (sink == null) {
                failureBeforeSink = failure; // delivered by forwardTo after the first event
                return;
            }
        }
        if (ended.compareAndSet(false, true)) {
            sink.fail(failure);
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
        ended.set(true);
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel(); // closes the HTTP/1.1 connection: the LLM service sees the client go
        }
    }
}
