package dev.tollgate.llm;

import dev.tollgate.catalog.Deployment;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The calls to the LLM service with their fault-tolerance policy, and nothing else. Only
 * {@link LlmService} calls them, and it turns whatever they throw into Tollgate's failures. The
 * session and usage calls are retried (MicroProfile Fault Tolerance); a turn's stream is one try,
 * its fallbacks and circuit breakers per deployment are {@link LlmService}'s and {@link Routes}'.
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
     * Returns the stream from the deployment once its first event arrived, within {@code waitMs}.
     * The calling thread waits for that event only; the rest of the stream is read without any
     * thread waiting. Which deployment, and what follows a failure, {@link LlmService} decides
     * (with {@link Routes}): here one try.
     */
    TokenStream openStream(Deployment deployment, ChatPrompt prompt, long waitMs) {
        CompletableFuture<TokenStream> started = streams.open(deployment, prompt);
        try {
            return started.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw UpstreamErrors.unreachable(e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            // no first event in time: let go of the upstream request
            started.thenAccept(TokenStream::cancel);
            started.cancel(false);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
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
