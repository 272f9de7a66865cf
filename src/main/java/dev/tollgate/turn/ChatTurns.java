package dev.tollgate.turn;

import dev.tollgate.audit.AuditEntry;
import dev.tollgate.auth.Caller;
import dev.tollgate.auth.Policies;
import dev.tollgate.catalog.Catalog;
import dev.tollgate.catalog.Deployment;
import dev.tollgate.catalog.Model;
import dev.tollgate.credits.Charge;
import dev.tollgate.credits.Pricing;
import dev.tollgate.llm.ChatPrompt;
import dev.tollgate.llm.LlmException;
import dev.tollgate.llm.LlmService;
import dev.tollgate.llm.Message;
import dev.tollgate.platform.CurrentRequest;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import dev.tollgate.platform.Refusal;
import dev.tollgate.session.Conversations;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Starts chat turns for any front: filters checked, admission decided, the LLM service asked.
 * The request thread waits only for the first upstream event, so a failure before any token
 * still gets its real HTTP status; after that, no thread is held for the answer, and the
 * {@link Turn} runs and settles itself.
 */
@ApplicationScoped
public class ChatTurns {

    static final String SESSION_RECREATED = "The LLM service had lost this session. It was recreated; "
            + "earlier messages are no longer known to the model.";

    @Inject
    FilterSchema filterSchema;

    @Inject
    Pricing pricing;

    @Inject
    Catalog catalog;

    @Inject
    Conversations conversations;

    @Inject
    Admissions admissions;

    @Inject
    LlmService llm;

    @Inject
    Settlements settlements;

    @Inject
    CurrentRequest currentRequest;

    /** Settlement work (database) runs here, off the threads that relay tokens. */
    @Resource
    ManagedExecutorService executor;

    @Inject
    @ConfigProperty(name = "tollgate.chat.default-max-tokens")
    int defaultMaxTokens;

    /**
     * The turn {@code key} for what the caller asks, audited as {@code action}. Invalid filters
     * are a 422 (thrown, as for any invalid request); a refusal or a failure before the first
     * token is returned, for the front to shape.
     */
    public TurnStart start(Caller caller, Ask ask, TurnKey key, String action) {
        long start = System.nanoTime();
        Map<String, Object> filters = filterSchema.check(ask.filters());
        String model = pricing.model(ask.model());
        Model entry = catalog.current().find(model);
        Refusal refused = refusal(caller, model);
        if (refused != null) {
            return new TurnStart.NotStarted(refused);
        }
        boolean opensSession = ask.sessionId() == null;
        UUID sessionId = opensSession ? UUID.randomUUID() : ask.sessionId();
        // the native front on a model whose servers keep no history: Tollgate keeps it
        boolean keeps = ask.messages() == null && entry != null && !entry.servedBy(Deployment.Kind.SEED);
        if (keeps && !conversations.configured()) {
            return new TurnStart.NotStarted(Refusal.of(ProblemType.HISTORY_KEYS_NOT_CONFIGURED, "The servers of model '"
                    + model + "' keep no history, and this server has no TOLLGATE_HISTORY_KEYS to keep it.",
                    Duration.ofSeconds(60)));
        }
        ChatPrompt prompt = new ChatPrompt(sessionId, caller.userId(), caller.companyId(), model, ask.query(),
                maxTokens(ask, entry), filters, key.requestId(), keeps ? kept(caller, ask, opensSession) : ask.messages(),
                ask.passOn());
        long promptTokens = pricing.promptTokens(model, prompt.texts());
        servable(prompt, entry, promptTokens);
        Charge charge = new Charge(key.turnId(caller), caller.companyId(), caller.userId(), key.requestId(), sessionId,
                model, pricing.cost(model, promptTokens, prompt.maxTokens()));
        Boolean kept = keeps ? Boolean.TRUE : ask.messages() == null ? Boolean.FALSE : null;
        Admission admission = admissions.admit(new Admissions.Asked(caller, charge, opensSession, kept));
        if (admission instanceof Admission.Refused notAdmitted) {
            return new TurnStart.NotStarted(notAdmitted.refusal());
        }
        Admission.Admitted admitted = (Admission.Admitted) admission;
        AuditEntry.Who who = who(caller);
        long admittedAt = System.nanoTime();
        try {
            LlmService.Opened opened = llm.open(prompt, admitted.opensSession());
            StartedTurn started = new StartedTurn(action, who, charge, prompt, start, admittedAt, System.nanoTime(), keeps,
                    opened.route());
            TurnEvents.Notice notice = opened.sessionRecreated()
                    ? new TurnEvents.Notice("session_recreated", SESSION_RECREATED) : null;
            return new TurnStart.Started(new Turn(started, opened.tokens(), notice, admitted.place(), settlements,
                    executor));
        } catch (RuntimeException failure) {
            // nothing of the answer exists: the caller pays nothing
            String code = failure instanceof LlmException llmFailure ? llmFailure.code() : ProblemType.INTERNAL_ERROR.code();
            try {
                settlements.failedBeforeFirstToken(charge, AuditEntry.of(action, who, key.requestId(), sessionId, code)
                        .withUsage(model, null, null, 0L).withTimes((System.nanoTime() - start) / 1_000_000, null)
                        .withTarget(failure instanceof LlmException llmFailure ? llmFailure.tries() : null));
            } finally {
                admitted.place().release();
            }
            if (failure instanceof LlmException llmFailure) {
                return new TurnStart.NotStarted(Refusal.of(llmFailure.type(), llmFailure.getMessage(),
                        llmFailure.retryAfter()));
            }
            throw failure;
        }
    }

    /** What the catalog refuses before anything is held: a model the caller may not use. */
    private Refusal refusal(Caller caller, String model) {
        return catalog.mayUse(caller, model) ? null : Policies.modelRefused(model);
    }

    /**
     * The conversation Tollgate keeps for the caller's session, and the question: what a server
     * that keeps none is sent. (A session whose history is the seed service's is refused by
     * admission, {@code OTHER_KIND}; someone else's has none here, and is refused there too.)
     */
    private List<Message> kept(Caller caller, Ask ask, boolean opensSession) {
        List<Message> messages = new ArrayList<>(opensSession ? List.of() : conversations.of(ask.sessionId(), caller));
        messages.add(new Message("user", ask.query(), null));
        return messages;
    }

    /** 400 for what the model's servers cannot take: tools on a seed service, a prompt beyond the context. */
    private static void servable(ChatPrompt prompt, Model entry, long promptTokens) {
        if (entry == null) {
            return;
        }
        String openAiOnly = prompt.openAiOnly();
        if (openAiOnly != null && !entry.servedBy(Deployment.Kind.OPENAI)) {
            throw ProblemException.invalidField(openAiOnly, "is not supported by model '" + entry.name()
                    + "': its servers (the seed's service) take no tools or response formats");
        }
        if (!entry.fits(promptTokens, prompt.maxTokens())) {
            throw ProblemException.invalidField("max_tokens", "with the prompt exceeds the model's context of "
                    + entry.maxContextTokens() + " tokens");
        }
    }

    /** The answer's limit: as asked, else the model's default, else the server's. */
    private int maxTokens(Ask ask, Model entry) {
        if (entry == null) {
            return ask.maxTokens() != null ? ask.maxTokens() : defaultMaxTokens;
        }
        return entry.maxTokens(ask.maxTokens(), defaultMaxTokens);
    }

    /** Who asks, captured on the request thread: the settlement runs after the request has gone. */
    private AuditEntry.Who who(Caller caller) {
        return new AuditEntry.Who(caller.companyId(), caller.userId(), String.join(",", new TreeSet<>(caller.roles())),
                currentRequest.clientAddress(), currentRequest.userAgent());
    }
}
