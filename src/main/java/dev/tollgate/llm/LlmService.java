package dev.tollgate.llm;

import dev.tollgate.llm.client.SessionWire;
import dev.tollgate.llm.client.SessionsClient;
import dev.tollgate.llm.client.StreamingChatClient;
import dev.tollgate.llm.client.UsageClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The LLM service as the rest of Tollgate uses it, with its fault-tolerance policy. The values in
 * the annotations are defaults: each is overridden in MicroProfile Config (microprofile-config.properties
 * maps them to the tollgate.llm.* names documented in the README).
 */
@ApplicationScoped
public class LlmService {

    @Inject
    @RestClient
    SessionsClient sessions;

    @Inject
    StreamingChatClient streams;

    @Inject
    @RestClient
    UsageClient usage;

    @Inject
    @ConfigProperty(name = "tollgate.llm.circuit.delay-ms")
    long circuitDelayMs;

    /**
     * Returns the started stream once its first event arrived. The calling thread waits for that
     * event only (interruptibly, so the timeout really ends the wait); the rest of the stream is
     * read without any thread waiting. Retried only here, before any token exists.
     */
    @Timeout(30_000)
    @Retry(maxRetries = 1, delay = 200, jitter = 100, retryOn = LlmUnavailable.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, successThreshold = 2,
            failOn = {LlmUnavailable.class, LlmTimeout.class, TimeoutException.class},
            skipOn = {LlmSessionLost.class, LlmRateLimited.class})
    public TokenStream openStream(ChatPrompt prompt) {
        CompletableFuture<TokenStream> started = streams.open(prompt);
        try {
            return started.get();
        } catch (ExecutionException e) {
            throw classify(e);
        } catch (InterruptedException e) {
            // the fault-tolerance timeout interrupted the wait: let go of the upstream request
            started.thenAccept(TokenStream::cancel);
            started.cancel(false);
            Thread.currentThread().interrupt();
            throw new LlmTimeout("No first token from the LLM service in time", Duration.ofSeconds(1));
        }
    }

    /** Idempotent (a PUT with our id), so retried. */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = LlmUnavailable.class)
    public void createSession(UUID sessionId, String userId, String companyId, String requestId) {
        try {
            sessions.create(sessionId.toString(), new SessionWire.NewSession(userId, companyId), requestId);
        } catch (ProcessingException e) {
            throw new LlmUnavailable("LLM service unreachable while creating a session", null);
        }
    }

    /** Conversation history is always asked of the LLM service. A lost session has none. */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = LlmUnavailable.class)
    public List<Message> history(UUID sessionId, String requestId) {
        try {
            return sessions.history(sessionId.toString(), requestId).messages().stream()
                    .map(m -> new Message(m.role(), m.content(), m.createdAt()))
                    .toList();
        } catch (LlmSessionLost e) {
            return List.of();
        } catch (ProcessingException e) {
            throw new LlmUnavailable("LLM service unreachable while reading history", null);
        }
    }

    /** Deletes upstream; a session the service already lost counts as deleted. */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = LlmUnavailable.class)
    public void deleteSession(UUID sessionId, String requestId) {
        try {
            sessions.delete(sessionId.toString(), requestId);
        } catch (LlmSessionLost e) {
            // already gone upstream
        } catch (ProcessingException e) {
            throw new LlmUnavailable("LLM service unreachable while deleting a session", null);
        }
    }

    /** What the LLM service says one request used, if it knows the request. */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = LlmUnavailable.class)
    public java.util.Optional<Usage> usageOf(String requestId) {
        try {
            UsageClient.RequestUsage used = usage.of(requestId);
            return java.util.Optional.of(new Usage(used.promptTokens(), used.completionTokens()));
        } catch (LlmSessionLost unknown) {
            return java.util.Optional.empty(); // 404: the service never saw it, or forgot it
        } catch (ProcessingException e) {
            throw new LlmUnavailable("LLM service unreachable while reading usage", null);
        }
    }

    /** Every request the LLM service billed in [from, to), for reconciliation. */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = LlmUnavailable.class)
    public List<ReportedUsage> usageReport(java.time.Instant from, java.time.Instant to) {
        try {
            return usage.between(from.toString(), to.toString()).items().stream()
                    .map(i -> new ReportedUsage(i.requestId(), i.companyId(), i.userId(), i.model(), i.promptTokens(),
                            i.completionTokens()))
                    .toList();
        } catch (ProcessingException e) {
            throw new LlmUnavailable("LLM service unreachable while reading the usage report", null);
        }
    }

    /** Whatever an LLM call failed with, as one of our typed failures with retry advice. */
    public LlmException classify(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof LlmException known) {
            return known;
        }
        if (cause instanceof TimeoutException || cause instanceof java.util.concurrent.TimeoutException) {
            return new LlmTimeout("No first token from the LLM service in time", Duration.ofSeconds(1));
        }
        if (cause instanceof CircuitBreakerOpenException) {
            return new LlmUnavailable("The LLM service is failing; calls are paused", Duration.ofMillis(circuitDelayMs));
        }
        if (cause instanceof BulkheadException) {
            return new LlmUnavailable("Too many calls to the LLM service", Duration.ofSeconds(1));
        }
        return new LlmUnavailable("LLM call failed", null);
    }
}
