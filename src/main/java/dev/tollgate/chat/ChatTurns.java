package dev.tollgate.chat;

import dev.tollgate.audit.ChatAudited;
import dev.tollgate.auth.Caller;
import dev.tollgate.credits.Charge;
import dev.tollgate.credits.CreditLedger;
import dev.tollgate.llm.ChatPrompt;
import dev.tollgate.llm.LlmException;
import dev.tollgate.llm.LlmService;
import dev.tollgate.llm.LlmTimeout;
import dev.tollgate.llm.LlmUnavailable;
import dev.tollgate.llm.TokenStream;
import dev.tollgate.llm.Usage;
import dev.tollgate.session.ChatSession;
import dev.tollgate.session.SessionMirror;
import dev.tollgate.streaming.RelayListener;
import dev.tollgate.streaming.RelayOutcome;
import dev.tollgate.streaming.SseRelay;
import dev.tollgate.streaming.StreamEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One chat turn end to end: session -> credits -> LLM -> relay -> mirror and audit.
 * The request thread waits only for the first upstream event, so a failure before any token
 * still gets its real HTTP status; after that, no thread is held for the stream.
 */
@ApplicationScoped
public class ChatTurns {

    @Inject
    SessionMirror sessions;

    @Inject
    CreditLedger ledger;

    @Inject
    LlmService llm;

    @Inject
    Event<ChatAudited> audit;

    @Inject
    Clock clock;

    /** First version of pricing: a flat charge per turn. */
    @Inject
    @ConfigProperty(name = "tollgate.credits.per-request", defaultValue = "1")
    long creditsPerRequest;

    @Inject
    @ConfigProperty(name = "tollgate.chat.default-max-tokens", defaultValue = "512")
    int defaultMaxTokens;

    @Inject
    @ConfigProperty(name = "tollgate.llm.first-token-timeout", defaultValue = "PT30S")
    Duration firstTokenTimeout;

    void stream(Caller caller, ChatRequest request, String requestId, SseClient client) {
        long start = System.nanoTime();
        ChatSession session = sessions.open(caller, request.sessionId(), requestId);
        Charge charge = new Charge(UUID.randomUUID(), caller.companyId(), caller.userId(), requestId,
                session.id(), creditsPerRequest);
        ledger.debit(charge);
        long overheadMs = (System.nanoTime() - start) / 1_000_000;
        int maxTokens = request.maxTokens() != null ? request.maxTokens() : defaultMaxTokens;
        TokenStream stream = firstEvent(llm.openStream(new ChatPrompt(session.id(), request.query(), maxTokens, requestId)),
                charge, caller, start);
        client.prepare(requestId, session.id());
        new SseRelay(client.sink(), client.sse(), requestId, session.id(), start, overheadMs,
                new Settlement(caller, charge, start)).start(stream);
    }

    private TokenStream firstEvent(CompletableFuture<TokenStream> opening, Charge charge, Caller caller, long start) {
        try {
            return opening.get(firstTokenTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            opening.thenAccept(TokenStream::cancel);
            throw beforeFirstToken(new LlmTimeout("No first token within " + firstTokenTimeout.toSeconds() + " s", null),
                    charge, caller, start);
        } catch (ExecutionException e) {
            LlmException failure = e.getCause() instanceof LlmException llmFailure
                    ? llmFailure : new LlmUnavailable("LLM call failed", null);
            throw beforeFirstToken(failure, charge, caller, start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw beforeFirstToken(new LlmUnavailable("interrupted", null), charge, caller, start);
        }
    }

    /** Nothing reached the model's answer: the caller pays nothing. */
    private LlmException beforeFirstToken(LlmException failure, Charge charge, Caller caller, long start) {
        ledger.refund(charge);
        audit.fire(new ChatAudited("chat.stream", caller.companyId(), caller.userId(), charge.requestId(),
                charge.sessionId(), null, null, 0L, failure.code(), elapsedMs(start)));
        return failure;
    }

    private static long elapsedMs(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** What happens when the relay reports back: usage shown to the client, mirror and audit updated. */
    private final class Settlement implements RelayListener {

        private final Caller caller;
        private final Charge charge;
        private final long start;

        Settlement(Caller caller, Charge charge, long start) {
            this.caller = caller;
            this.charge = charge;
            this.start = start;
        }

        @Override
        public StreamEvents.UsageReport finished(Usage usage) {
            return new StreamEvents.UsageReport(usage.promptTokens(), usage.completionTokens(), charge.credits(),
                    ledger.balance(charge.companyId()));
        }

        @Override
        public void closed(RelayOutcome outcome) {
            sessions.recordTurn(charge.sessionId(), charge.credits(), Instant.now(clock));
            Usage usage = outcome.usage();
            audit.fire(new ChatAudited("chat.stream", caller.companyId(), caller.userId(), charge.requestId(),
                    charge.sessionId(), usage == null ? null : usage.promptTokens(),
                    usage == null ? outcome.tokensDelivered() : usage.completionTokens(),
                    charge.credits(), outcome.completed() ? "ok" : outcome.status(), elapsedMs(start)));
        }
    }
}
