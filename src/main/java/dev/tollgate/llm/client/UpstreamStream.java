package dev.tollgate.llm.client;

import dev.tollgate.llm.LlmException;
import dev.tollgate.llm.LlmUnavailable;
import dev.tollgate.llm.TokenSink;
import dev.tollgate.llm.TokenStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * One streaming answer, read from Jetty's HTTP client as bytes arrive. The response body is read
 * by one loop at a time ({@link #pump}); it stops, and nothing is read, while a token's write to
 * the client is unfinished or while no sink is attached yet, so a slow client slows the upstream
 * read instead of filling memory.
 */
final class UpstreamStream implements TokenStream {

    /** How a server's stream events read: the seed's contract, or OpenAI's chunks. */
    interface Wire {
        /** The chunks one SSE data payload holds, in order; anything unreadable is an error chunk. */
        void read(String data, Consumer<ChatWire.Chunk> chunks);

        /** The failure a status other than 200 means. */
        LlmException status(int status, String retryAfter);
    }

    private final Request request;
    private final Wire wire;
    private final CompletableFuture<TokenStream> started = new CompletableFuture<>();
    private final SseLineDecoder decoder = new SseLineDecoder();
    /** Where the loop resumes after a slow write: the client's own (managed) threads. */
    private final Executor resume;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean waitingForSink = new AtomicBoolean();
    /** Events read and not yet delivered; only the loop touches them (and {@link #failure}). */
    private final Deque<ChatWire.Chunk> unsent = new ArrayDeque<>();
    private LlmException failure;
    private boolean doneRead;
    private boolean lastRead;
    private volatile TokenSink sink;
    private volatile boolean cancelled;
    private Content.Source body;
    /**
     * Reads until the first event without leaving Jetty's selector thread: it only parses and
     * completes {@link #started}, which wakes the request thread directly. Each hand-over between
     * threads is a wake-up on the path to the first token.
     */
    private final Runnable readFirstEvent = Invocable.from(Invocable.InvocationType.NON_BLOCKING, () -> pump(false));
    /** Reads on after the first event, on the client's pool; one instance, not one per token read. */
    private final Runnable readOn = this::pump;

    private UpstreamStream(Request request, Executor resume, Wire wire) {
        this.request = request;
        this.wire = wire;
        this.resume = resume;
        // a caller that stops waiting for the first event (its timeout) lets go of the request
        started.whenComplete((stream, error) -> {
            if (error instanceof CancellationException) {
                cancel();
            }
        });
    }

    /**
     * Sends the request. The answer completes with the stream when its first event arrived, or
     * fails with a typed LlmException; {@code resume} runs the reading after a slow write.
     */
    static CompletableFuture<TokenStream> open(Request request, Executor resume, Wire wire) {
        UpstreamStream stream = new UpstreamStream(request, resume, wire);
        request.onResponseContentSource(stream::onContentSource).send(stream::onComplete);
        return stream.started;
    }

    /** Jetty: the headers are in. Only a 200 is read as a stream; other bodies are discarded. */
    private void onContentSource(Response response, Content.Source source) {
        if (response.getStatus() != 200) {
            discard(source);
            return;
        }
        body = source;
        pump(false);
    }

    /** Jetty: the exchange is over. Failures after the first event reach the loop as a failure chunk. */
    private void onComplete(Result result) {
        if (cancelled) {
            return;
        }
        if (result.isFailed()) {
            started.completeExceptionally(UpstreamErrors.unreachable(result.getFailure()));
        } else if (result.getResponse().getStatus() != 200) {
            Response response = result.getResponse();
            started.completeExceptionally(wire.status(response.getStatus(), response.getHeaders().get("Retry-After")));
        }
    }

    @Override
    public void forwardTo(TokenSink target) {
        sink = target;
        if (waitingForSink.compareAndSet(true, false)) {
            pump();
        }
    }

    private void pump() {
        pump(true);
    }

    /**
     * Reads and delivers until there is nothing to read yet, a write is unfinished, or the body is
     * over. Where it may not block (a selector thread) it hands over before writing to the sink.
     */
    private void pump(boolean mayBlock) {
        while (!cancelled) {
            if (!deliverUnsent(mayBlock) || lastRead) {
                return;
            }
            Content.Chunk chunk = body.read();
            if (chunk == null) {
                body.demand(sink == null ? readFirstEvent : readOn);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                failed(UpstreamErrors.unreachable(chunk.getFailure()));
                continue;
            }
            try {
                if (!ended.get()) { // after [DONE] the rest is read and dropped: the connection serves the next answer
                    decoder.feed(chunk.getByteBuffer(), data -> wire.read(data, this::read));
                }
            } catch (IllegalStateException tooLong) {
                failed(new LlmUnavailable("LLM service sent an unreadable stream", null));
            } finally {
                chunk.release();
            }
            if (chunk.isLast()) {
                lastRead = true;
                if (!doneRead) {
                    failed(new LlmUnavailable("LLM service ended the stream before [DONE]", null));
                }
            }
        }
    }

    private void read(ChatWire.Chunk chunk) {
        doneRead |= chunk instanceof ChatWire.DoneChunk;
        unsent.add(chunk);
        started.complete(this);
    }

    /** Ends the stream with a failure once what was read before it is delivered (unless it ended already). */
    private void failed(LlmException cause) {
        if (started.completeExceptionally(cause)) {
            ended.set(true);
        } else if (failure == null) {
            failure = cause;
        }
    }

    /**
     * Delivers what was read, in order. False when the loop must stop: the stream failed before it
     * started, no sink is attached yet ({@link #forwardTo} restarts it), or a token's write is
     * unfinished (its completion restarts it).
     */
    private boolean deliverUnsent(boolean mayBlock) {
        if (started.isCompletedExceptionally()) {
            return false;
        }
        TokenSink target = sink;
        if (target == null) {
            if (unsent.isEmpty() && failure == null) {
                return true; // nothing read yet: read on
            }
            waitingForSink.set(true);
            target = sink;
            if (target == null || !waitingForSink.compareAndSet(true, false)) {
                return false;
            }
        }
        if (!mayBlock && (!unsent.isEmpty() || failure != null)) {
            resume.execute(readOn); // a sink's write may block
            return false;
        }
        ChatWire.Chunk next;
        while ((next = unsent.poll()) != null) {
            if (next instanceof ChatWire.ErrorChunk error) {
                unsent.clear(); // it came before anything that failed later, and nothing after it counts
                failure = new LlmUnavailable("LLM service reported " + error.code(), null);
                break;
            }
            CompletableFuture<?> written = deliver(next, target);
            if (written != null && !written.isDone()) {
                written.whenCompleteAsync((ok, error) -> afterWrite(error), resume);
                return false;
            }
            if (written != null && written.isCompletedExceptionally()) {
                cancel(); // the client is gone; the sink already knows
                return false;
            }
        }
        if (failure == null) {
            return true;
        }
        if (ended.compareAndSet(false, true)) {
            target.fail(failure);
        }
        abort(); // whatever the LLM service still sends is not read
        return false;
    }

    private void afterWrite(Throwable error) {
        if (error == null) {
            pump();
        } else {
            cancel();
        }
    }

    private CompletableFuture<?> deliver(ChatWire.Chunk chunk, TokenSink target) {
        if (ended.get()) {
            return null; // after [DONE] nothing more is relayed
        }
        if (chunk instanceof ChatWire.TokenChunk token) {
            CompletionStage<?> written = target.token(token.content());
            return written.toCompletableFuture();
        }
        if (chunk instanceof ChatWire.ToolCallsChunk calls) {
            return target.toolCalls(calls.json()).toCompletableFuture();
        }
        if (chunk instanceof ChatWire.FinishChunk finish) {
            target.finishReason(finish.reason());
        } else if (chunk instanceof ChatWire.UsageChunk usage) {
            target.usage(usage.usage());
        } else if (chunk instanceof ChatWire.DoneChunk) {
            if (ended.compareAndSet(false, true)) {
                target.complete();
            }
        }
        return null;
    }

    private static void discard(Content.Source source) {
        while (true) {
            Content.Chunk chunk = source.read();
            if (chunk == null) {
                source.demand(() -> discard(source));
                return;
            }
            chunk.release();
            if (chunk.isLast()) {
                return;
            }
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
        ended.set(true);
        abort();
    }

    /** Closes the connection: the LLM service sees the client go. */
    private void abort() {
        request.abort(new CancellationException("cancelled"));
    }
}
