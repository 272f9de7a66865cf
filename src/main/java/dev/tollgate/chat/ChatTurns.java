package dev.tollgate.chat;

import dev.tollgate.audit.AuditEntry;
import dev.tollgate.auth.Caller;
import dev.tollgate.credits.Charge;
import dev.tollgate.credits.CreditLedger;
import dev.tollgate.credits.Pricing;
import dev.tollgate.llm.ChatPrompt;
import dev.tollgate.llm.LlmException;
import dev.tollgate.llm.LlmService;
import dev.tollgate.llm.LlmSessionLost;
import dev.tollgate.llm.TokenStream;
import dev.tollgate.platform.CurrentRequest;
import dev.tollgate.ratelimit.RateLimits;
import dev.tollgate.streaming.OpenStreams;
import dev.tollgate.streaming.SseRelay;
import dev.tollgate.streaming.StreamEvents;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One chat turn end to end: admission (count, session, credits) -> LLM -> relay -> mirror and audit.
 * The request thread waits only for the first upstream event, so a failure before any token
 * still gets its real HTTP status; after that, no thread is held for the answer.
 */
@ApplicationScoped
public class ChatTurns {

    static final String SESSION_RECREATED = "The LLM service had lost this session. It was recreated; "
            + "earlier messages are no longer known to the model.";

    @Inject
    CreditLedger ledger;

    @Inject
    LlmService llm;

    @Inject
    OpenStreams openStreams;

    @Inject
    FilterSchema filterSchema;

    @Inject
    TurnRecords records;

    @Inject
    RateLimits rateLimits;

    @Inject
    TurnAdmission admissions;

    @Inject
    CurrentRequest currentRequest;

    /** Settlement work (database) runs here, off the threads that relay tokens. */
    @Resource
    ManagedExecutorService executor;

    @Inject
    Pricing pricing;

    @Inject
    @ConfigProperty(name = "tollgate.chat.default-max-tokens")
    int defaultMaxTokens;

    void stream(Caller caller, ChatRequest request, TurnKey key, SseClient client) {
        String requestId = key.requestId();
        StartedTurn turn = begin(caller, request, key, "chat.stream");
        client.prepare(requestId, turn.sessionId());
        SseRelay relay = new SseRelay(client.sink(), client.sse(),
                new SseRelay.Ids(requestId, turn.sessionId(), turn.startNanos(), turn.gatewayOverheadMs()),
                settlement(turn));
        turn.admission().watch(relay);
        relay.start(turn.stream(), turn.notice());
    }

    CompletionStage<ChatAnswer> answer(Caller caller, ChatRequest request, TurnKey key) {
        String requestId = key.requestId();
        StartedTurn turn = begin(caller, request, key, "chat.answer");
        AnswerCollector collector = new AnswerCollector(settlement(turn), turn.stream());
        turn.admission().watch(collector);
        turn.stream().forwardTo(collector);
        return collector.result().thenApply(collected -> new ChatAnswer(requestId, turn.sessionId(),
                collected.content(), collected.usage(), "stop", turn.elapsedMs(), turn.gatewayOverheadMs(),
                turn.notice()));
    }

    private Settlement settlement(StartedTurn turn) {
        return new Settlement(turn, pricing, records, executor);
    }

    /** Who asks, captured on the request thread: the settlement runs after the request has gone. */
    private AuditEntry.Who who(Caller caller) {
        return new AuditEntry.Who(caller.companyId(), caller.userId(), String.join(",", new TreeSet<>(caller.roles())),
                currentRequest.clientAddress(), currentRequest.userAgent());
    }

    private StartedTurn begin(Caller caller, ChatRequest request, TurnKey key, String action) {
        long start = System.nanoTime();
        String requestId = key.requestId();
        Map<String, Object> filters = filterSchema.check(request.filters());
        String model = pricing.model(request.model());
        int maxTokens = request.maxTokens() != null ? request.maxTokens() : defaultMaxTokens;
        OpenStreams.Admission admission = openStreams.admit();
        TurnAdmission.Turn asked = new TurnAdmission.Turn(key.turnId(caller), requestId, model, request.query(), maxTokens);
        TurnAdmission.Admitted admitted = admitOrRelease(caller, request, asked, admission);
        try {
            admitted.hold().orRefuse(() -> ledger.balance(caller.companyId()), admitted.charge().credits());
            UUID sessionId = admitted.sessionId();
            Charge charge = admitted.charge();
            ChatPrompt prompt = new ChatPrompt(sessionId, model, request.query(), maxTokens, filters, requestId);
            long overheadMs = (System.nanoTime() - start) / 1_000_000;
            try {
                StreamEvents.Notice notice = null;
                TokenStream stream;
                try {
                    stream = firstEvent(prompt);
                } catch (LlmSessionLost lost) {
                    // The mirror knows the session, the LLM service lost it: recreate it and carry on.
                    llm.createSession(sessionId, caller.userId(), caller.companyId(), requestId);
                    notice = new StreamEvents.Notice("session_recreated", SESSION_RECREATED);
                    stream = firstEvent(prompt);
                }
                long ttftMs = (System.nanoTime() - start) / 1_000_000;
                return new StartedTurn(action, caller, who(caller), sessionId, prompt, charge, stream, notice, start, overheadMs,
                        ttftMs, admission);
            } catch (LlmException failure) {
                // nothing of the answer exists: the caller pays nothing
                records.failedBeforeFirstToken(charge, AuditEntry.of(action, who(caller), requestId, sessionId,
                        failure.code()).withUsage(model, null, null, 0L)
                        .withTimes((System.nanoTime() - start) / 1_000_000, null));
                throw failure;
            }
        } catch (RuntimeException e) {
            admission.release();
            rateLimits.closeStream(asked.turnId());
            throw e;
        }
    }

    /** The count, slot, session and hold; a refusal or failure there gives the open-stream admission back. */
    private TurnAdmission.Admitted admitOrRelease(Caller caller, ChatRequest request, TurnAdmission.Turn asked,
                                                  OpenStreams.Admission admission) {
        try {
            return admissions.admit(caller, request.sessionId(), asked);
        } catch (RuntimeException e) {
            admission.release();
            throw e;
        }
    }

    /** Waits for the first event, bounded by the fault-tolerance timeout. */
    private TokenStream firstEvent(ChatPrompt prompt) {
        try {
            return llm.openStream(prompt);
        } catch (LlmException e) {
            throw e;
        } catch (RuntimeException e) {
            throw llm.classify(e); // timeout, open circuit
        }
    }
}
