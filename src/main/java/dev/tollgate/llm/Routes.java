package dev.tollgate.llm;

import dev.tollgate.catalog.Deployment;
import dev.tollgate.catalog.Model;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Where a model's turns go: its deployments in the order to try them, by weight, each with its
 * own circuit breaker (resilience4j), its cool-down after a 429 and its count of open streams.
 * A deployment is known by everything the catalog says of it, so a changed entry starts afresh.
 */
@ApplicationScoped
public class Routes {

    @Inject
    @ConfigProperty(name = "tollgate.llm.circuit.request-volume")
    int requestVolume;

    @Inject
    @ConfigProperty(name = "tollgate.llm.circuit.failure-ratio")
    double failureRatio;

    @Inject
    @ConfigProperty(name = "tollgate.llm.circuit.delay-ms")
    long delayMs;

    @Inject
    @ConfigProperty(name = "tollgate.llm.circuit.success-threshold")
    int successThreshold;

    /** The part of a deployment's streams (its max_concurrent) batch items may take; the rest is for chat. */
    @Inject
    @ConfigProperty(name = "tollgate.batch.upstream-share")
    double batchShare;

    private static final int RECENT_ERRORS = 5;

    private final Map<Deployment, Route> routes = new ConcurrentHashMap<>();

    /** Each deployment's open streams and circuit as application metrics, as the operators' endpoint shows them. */
    @Inject
    MetricRegistry metrics;

    /** One deployment's state. */
    public final class Route {

        private final Deployment deployment;
        private final CircuitBreaker breaker;
        private final AtomicInteger open = new AtomicInteger();
        private volatile Instant coolUntil = Instant.EPOCH;
        /** The last few failures, newest first: when and what. */
        private final Deque<String> errors = new ConcurrentLinkedDeque<>();
        private volatile long lastFirstTokenMs = -1;

        private Route(Deployment deployment) {
            this.deployment = deployment;
            this.breaker = CircuitBreaker.of(deployment.url() + " " + deployment.model(), CircuitBreakerConfig.custom()
                    .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                    .slidingWindowSize(requestVolume).minimumNumberOfCalls(requestVolume)
                    .failureRateThreshold((float) (failureRatio * 100))
                    .waitDurationInOpenState(Duration.ofMillis(delayMs))
                    .permittedNumberOfCallsInHalfOpenState(successThreshold)
                    .build());
        }

        public Deployment deployment() {
            return deployment;
        }

        /**
         * True when a turn may go here now: under its stream limit (a batch item: under the
         * batches' share of it, at least one), and its breaker lets it.
         */
        boolean take(boolean batch) {
            Integer most = deployment.maxConcurrent();
            if (most != null && batch) {
                most = Math.max(1, (int) Math.floor(most * batchShare));
            }
            if (most != null && open.incrementAndGet() > most) {
                open.decrementAndGet();
                return false;
            }
            if (most == null) {
                open.incrementAndGet();
            }
            if (!breaker.tryAcquirePermission()) {
                open.decrementAndGet();
                return false;
            }
            return true;
        }

        /** The turn's stream ended, or never began. */
        void release() {
            open.decrementAndGet();
        }

        void succeeded(long nanos) {
            breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            lastFirstTokenMs = nanos / 1_000_000;
        }

        /**
         * A failure before the first token: counted by the breaker, and a 429 cools the deployment
         * down. A lost session is the server answering as it should, not failing.
         */
        void failed(long nanos, LlmException failure) {
            if (failure instanceof LlmSessionLost) {
                breaker.releasePermission();
                return;
            }
            errors.addFirst(Instant.now() + " " + failure.code());
            while (errors.size() > RECENT_ERRORS) {
                errors.pollLast();
            }
            if (failure instanceof LlmRateLimited) {
                breaker.releasePermission();
                Duration wait = failure.retryAfter() != null ? failure.retryAfter() : Duration.ofSeconds(1);
                coolUntil = Instant.now().plus(wait);
            } else {
                breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
            }
        }

        public CircuitBreaker.State state() {
            return breaker.getState();
        }

        public boolean coolingDown() {
            return Instant.now().isBefore(coolUntil);
        }

        public int openStreams() {
            return open.get();
        }

        public List<String> recentErrors() {
            return List.copyOf(errors);
        }

        /** Time to the first token of the last answer begun here, or -1 before any. */
        public long lastFirstTokenMs() {
            return lastFirstTokenMs;
        }

        public float failureRate() {
            return breaker.getMetrics().getFailureRate();
        }
    }

    /**
     * The model's deployments in the order to try them: a weighted draw without replacement, so
     * each turn's first choice follows the weights and the rest are its fallbacks; those cooling
     * down after a 429 go last (a model with no other server still tries them rather than refuse).
     * {@code onlyKind} null: every kind.
     */
    public List<Route> order(Model model, Deployment.Kind onlyKind) {
        List<Route> left = new ArrayList<>();
        for (Deployment deployment : model.deployments()) {
            if (onlyKind == null || deployment.kind() == onlyKind) {
                left.add(route(deployment));
            }
        }
        List<Route> order = new ArrayList<>(left.size());
        while (!left.isEmpty()) {
            int total = left.stream().mapToInt(route -> route.deployment.weight()).sum();
            int draw = ThreadLocalRandom.current().nextInt(total);
            for (int i = 0; i < left.size(); i++) {
                draw -= left.get(i).deployment.weight();
                if (draw < 0) {
                    order.add(left.remove(i));
                    break;
                }
            }
        }
        order.sort(Comparator.comparing(Route::coolingDown)); // stable: the draw's order otherwise
        return order;
    }

    /** The deployment's state (made on first use, with its metrics). */
    public Route route(Deployment deployment) {
        return routes.computeIfAbsent(deployment, known -> {
            Route route = new Route(known);
            Tag tag = new Tag("deployment", known.url() + " " + known.model());
            metrics.gauge("tollgate.upstream.open.streams", route, Route::openStreams, tag);
            metrics.gauge("tollgate.upstream.circuit.open", route, r -> r.state() == CircuitBreaker.State.OPEN ? 1 : 0, tag);
            return route;
        });
    }

    long delayMs() {
        return delayMs;
    }
}
