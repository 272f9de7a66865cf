package dev.tollgate.llm;

import dev.tollgate.llm.client.UpstreamErrors;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * The LLM service as the rest of Tollgate uses it: the one port to it. Whatever a call fails
 * with, fault tolerance's exceptions and the transport's included, leaves as one of Tollgate's
 * typed failures ({@link LlmException}), classified here once. A status the service answered was
 * classified where it arrived ({@link UpstreamErrors}).
 */
@ApplicationScoped
public class LlmService {

    /** A started answer; {@code sessionRecreated} when the service had lost the session and it was created again. */
    public record Opened(TokenStream tokens, boolean sessionRecreated) {
    }

    @Inject
    LlmCalls calls;

    @Inject
    @ConfigProperty(name = "tollgate.llm.circuit.delay-ms")
    long circuitDelayMs;

    /**
     * The answer to the prompt, once its first event arrived. A session new to Tollgate is
     * created upstream first; one the service lost is created again and the answer asked once more.
     */
    public Opened open(ChatPrompt prompt, boolean newSession) {
        if (newSession) {
            createSession(prompt.sessionId(), prompt.userId(), prompt.companyId(), prompt.requestId());
        }
        try {
            return new Opened(call(() -> calls.openStream(prompt)), false);
        } catch (LlmSessionLost lost) {
            createSession(prompt.sessionId(), prompt.userId(), prompt.companyId(), prompt.requestId());
            return new Opened(call(() -> calls.openStream(prompt)), true);
        }
    }

    public void createSession(UUID sessionId, String userId, String companyId, String requestId) {
        run(() -> calls.createSession(sessionId, userId, companyId, requestId));
    }

    /** Conversation history is always asked of the LLM service. A lost session has none. */
    public List<Message> history(UUID sessionId, String requestId) {
        try {
            return call(() -> calls.history(sessionId, requestId)).messages().stream()
                    .map(m -> new Message(m.role(), m.content(), m.createdAt()))
                    .toList();
        } catch (LlmSessionLost e) {
            return List.of();
        }
    }

    /** Deletes upstream; a session the service already lost counts as deleted. */
    public void deleteSession(UUID sessionId, String requestId) {
        try {
            run(() -> calls.deleteSession(sessionId, requestId));
        } catch (LlmSessionLost e) {
            // already gone upstream
        }
    }

    /** What the LLM service says one request used, if it knows the request. */
    public Optional<Usage> usageOf(String requestId) {
        try {
            var used = call(() -> calls.usageOf(requestId));
            return Optional.of(new Usage(used.promptTokens(), used.completionTokens()));
        } catch (LlmSessionLost unknown) {
            return Optional.empty(); // 404: the service never saw it, or forgot it
        }
    }

    /** Every request the LLM service billed in [from, to), for reconciliation. */
    public List<ReportedUsage> usageReport(Instant from, Instant to) {
        return call(() -> calls.usageBetween(from, to)).items().stream()
                .map(i -> new ReportedUsage(i.requestId(), i.companyId(), i.userId(), i.model(), i.promptTokens(),
                        i.completionTokens()))
                .toList();
    }

    private void run(Runnable call) {
        call(() -> {
            call.run();
            return null;
        });
    }

    private <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw failure(e);
        }
    }

    /** Whatever a call failed with, as one of Tollgate's typed failures with retry advice. */
    private LlmException failure(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException
                || cause instanceof ProcessingException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof TimeoutException) {
            return new LlmTimeout("No first token from the LLM service in time", Duration.ofSeconds(1));
        }
        if (cause instanceof CircuitBreakerOpenException) {
            return new LlmUnavailable("The LLM service is failing; calls are paused", Duration.ofMillis(circuitDelayMs));
        }
        if (cause instanceof BulkheadException) {
            return new LlmUnavailable("Too many calls to the LLM service", Duration.ofSeconds(1));
        }
        return UpstreamErrors.unreachable(cause);
    }
}
