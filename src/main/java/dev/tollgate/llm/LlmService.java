package dev.tollgate.llm;

import dev.tollgate.catalog.Catalog;
import dev.tollgate.catalog.Deployment;
import dev.tollgate.catalog.Model;
import dev.tollgate.llm.client.UpstreamErrors;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
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

    /**
     * A started answer; {@code sessionRecreated} when the service had lost the session and it was
     * created again; {@code route}: the server answering, after those that failed first.
     */
    public record Opened(TokenStream tokens, boolean sessionRecreated, String route) {
    }

    @Inject
    LlmCalls calls;

    @Inject
    Catalog catalog;

    @Inject
    Routes routes;

    @Inject
    @ConfigProperty(name = "tollgate.llm.first-token-timeout-ms")
    long firstTokenTimeoutMs;

    @Inject
    @ConfigProperty(name = "tollgate.llm.retry.max-retries")
    int maxRetries;

    @Inject
    @ConfigProperty(name = "tollgate.llm.circuit.delay-ms")
    long circuitDelayMs;

    /**
     * The answer to the prompt from one of its model's deployments, once its first event arrived.
     * The deployments are tried in {@link Routes}' order; a failure before the first token (no
     * connection, a 5xx, a 429, no first token in time) moves on to the next, within one
     * first-token deadline. A session new to Tollgate is created on a seed deployment first; one
     * the service lost is created again and the answer asked once more. A session that continues
     * without the client's messages goes to seed deployments only: only they keep its history.
     */
    public Opened open(ChatPrompt prompt, boolean newSession) {
        return open(prompt, newSession, false);
    }

    /**
     * A batch item's answer, as {@link #open} for a new session, within the batches' share of
     * each deployment's streams: what is left is the interactive turns'. {@link LlmBusy} when no
     * deployment has room for it now.
     */
    public Opened openForBatch(ChatPrompt prompt) {
        return open(prompt, true, true);
    }

    private Opened open(ChatPrompt prompt, boolean newSession, boolean batch) {
        Model model = catalog.current().find(prompt.model());
        boolean carried = newSession || prompt.messages() != null;
        Deployment.Kind only = prompt.openAiOnly() != null ? Deployment.Kind.OPENAI : carried ? null : Deployment.Kind.SEED;
        List<Routes.Route> order = routes.order(model, only);
        if (order.isEmpty()) {
            throw new LlmUnavailable("No server of model '" + prompt.model() + "' keeps this session's history", null);
        }
        long deadline = System.nanoTime() + firstTokenTimeoutMs * 1_000_000;
        int tries = order.size() == 1 ? 1 + maxRetries : Math.min(order.size(), 3);
        LlmException last = null;
        StringBuilder tried = new StringBuilder();
        for (int i = 0; i < tries && System.nanoTime() < deadline; i++) {
            Routes.Route route = order.get(i % order.size());
            if (order.size() == 1 && i > 0 && !(last instanceof LlmUnavailable)) {
                break; // one server: only a failed connection or a 5xx is worth asking it again
            }
            if (!route.take(batch)) {
                last = route.state() == CircuitBreaker.State.CLOSED
                        ? new LlmBusy("The LLM service's servers are busy", Duration.ofSeconds(1))
                        : new LlmUnavailable("The LLM service is failing; calls are paused", Duration.ofMillis(circuitDelayMs));
                tried.append(name(route)).append(' ').append(route.state() == CircuitBreaker.State.CLOSED ? "busy" : "paused")
                        .append("; ");
                continue;
            }
            long start = System.nanoTime();
            try {
                Opened opened = openOn(route.deployment(), prompt, newSession, deadline);
                route.succeeded(System.nanoTime() - start);
                return new Opened(new RoutedStream(opened.tokens(), route), opened.sessionRecreated(),
                        tried + name(route) + " ok");
            } catch (LlmException failure) {
                route.release();
                route.failed(System.nanoTime() - start, failure);
                tried.append(name(route)).append(' ').append(failure.code()).append("; ");
                last = failure;
                if (failure instanceof LlmSessionLost) {
                    throw failure;
                }
            }
        }
        LlmException failed = last != null ? last : new LlmTimeout("No first token from the LLM service in time",
                Duration.ofSeconds(1));
        throw failed.tried(tried.length() == 0 ? null : tried.substring(0, tried.length() - 2));
    }

    /** How audit rows name a deployment: where it is and the model's name there. */
    private static String name(Routes.Route route) {
        return route.deployment().url() + " " + route.deployment().model();
    }

    private Opened openOn(Deployment deployment, ChatPrompt prompt, boolean newSession, long deadline) {
        if (deployment.kind() != Deployment.Kind.SEED) {
            return new Opened(call(() -> calls.openStream(deployment, prompt, remainingMs(deployment, deadline))), false, null);
        }
        if (newSession) {
            createSession(prompt.sessionId(), prompt.userId(), prompt.companyId(), prompt.requestId());
        }
        try {
            return new Opened(call(() -> calls.openStream(deployment, prompt, remainingMs(deployment, deadline))), false, null);
        } catch (LlmSessionLost lost) {
            createSession(prompt.sessionId(), prompt.userId(), prompt.companyId(), prompt.requestId());
            return new Opened(call(() -> calls.openStream(deployment, prompt, remainingMs(deployment, deadline))), true, null);
        }
    }

    /** The time left for this try: the turn's deadline, or the deployment's own first-token timeout if shorter. */
    private static long remainingMs(Deployment deployment, long deadline) {
        long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        return deployment.timeoutFirstTokenMs() == null ? left : Math.min(left, deployment.timeoutFirstTokenMs());
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
