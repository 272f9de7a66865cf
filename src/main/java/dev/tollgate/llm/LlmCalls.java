package dev.tollgate.llm;

import dev.tollgate.llm.client.SessionWire;
import dev.tollgate.llm.client.SessionsClient;
import dev.tollgate.llm.client.StreamingChatClient;
import dev.tollgate.llm.client.UpstreamErrors;
import dev.tollgate.llm.client.UsageClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The calls to the LLM service with their fault-tolerance policy, and nothing else. Only
 * {@link LlmService} calls them, and it turns whatever they throw into Tollgate's failures. The
 * values in the annotations are defaults: microprofile-config.properties maps each to the
 * tollgate.llm.* name documented in the README.
 */
@ApplicationScoped
class LlmCalls {

    @Inject
    @RestClient
    SessionsClient sessions;

    @Inject
    StreamingChatClient streams;

    @Inject
    @RestClient
    UsageClient usage;

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
    TokenStream openStream(ChatPrompt prompt) {
        CompletableFuture<TokenStream> started = streams.open(prompt);
        try {
            return started.get();
        } catch (ExecutionException e) {
            throw UpstreamErrors.unreachable(e.getCause());
        } catch (InterruptedException e) {
            // the fault-tolerance timeout interrupted the wait: let go of the upstream request
            started.thenAccept(TokenStream::cancel);
            started.cancel(false);
            Thread.currentThread().interrupt();
            throw new LlmTimeout("No first token from the LLM service in time", Duration.ofSeconds(1));
        }
    }

    /** Idempotent (a PUT with our id), so retried. */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = {LlmUnavailable.class, ProcessingException.class})
    void createSession(UUID sessionId, String userId, String companyId, String requestId) {
        sessions.create(sessionId.toString(), new SessionWire.NewSession(userId, companyId), requestId);
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = {LlmUnavailable.class, ProcessingException.class})
    SessionWire.History history(UUID sessionId, String requestId) {
        return sessions.history(sessionId.toString(), requestId);
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = {LlmUnavailable.class, ProcessingException.class})
    void deleteSession(UUID sessionId, String requestId) {
        sessions.delete(sessionId.toString(), requestId);
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = {LlmUnavailable.class, ProcessingException.class})
    UsageClient.RequestUsage usageOf(String requestId) {
        return usage.of(requestId);
    }

    @Retry(maxRetries = 2, delay = 100, jitter = 50, retryOn = {LlmUnavailable.class, ProcessingException.class})
    UsageClient.Report usageBetween(Instant from, Instant to) {
        return usage.between(from.toString(), to.toString());
    }
}
