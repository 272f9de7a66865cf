package dev.tollgate.turn;

import dev.tollgate.platform.ProblemType;
import dev.tollgate.platform.Refusal;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every open answer of this server. One scheduled tick (not a timer per stream) sends heartbeats
 * to idle clients and ends streams whose LLM service went silent; admission caps how many
 * streams are open at once; on shutdown every client is told to retry elsewhere.
 */
@ApplicationScoped
public class OpenStreams {

    private static final Logger LOG = Logger.getLogger(OpenStreams.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;

    /** The executor the LLM client's callbacks run on: when it refuses work, the server is stopping. */
    @Resource
    ManagedExecutorService executor;

    @Inject
    @ConfigProperty(name = "tollgate.stream.max-open")
    int maxOpen;

    @Inject
    @ConfigProperty(name = "tollgate.stream.heartbeat-ms")
    long heartbeatMs;

    @Inject
    @ConfigProperty(name = "tollgate.llm.max-token-gap-ms")
    long maxGapMs;

    @Inject
    @ConfigProperty(name = "tollgate.stream.tick-ms")
    long tickMs;

    private final Set<WatchedStream> open = ConcurrentHashMap.newKeySet();
    private Semaphore permits;
    private ScheduledFuture<?> ticking;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        permits = new Semaphore(maxOpen);
        ticking = scheduler.scheduleWithFixedDelay(this::tick, tickMs, tickMs, TimeUnit.MILLISECONDS);
    }

    /** A place for one more stream, or null when this server is full. */
    Place take() {
        return permits.tryAcquire() ? new Place() : null;
    }

    /** The 503 for a full server, with retry advice: another server, or this one shortly, has room. */
    Refusal full() {
        return Refusal.of(ProblemType.TOO_MANY_OPEN_STREAMS,
                "This server has " + maxOpen + " answers streaming; try again shortly.", Duration.ofSeconds(2));
    }

    void tick() {
        if (!open.isEmpty() && serverQuiescing()) {
            shutdown();
            return;
        }
        long now = System.nanoTime();
        for (WatchedStream stream : open) {
            try {
                if (now - stream.lastUpstreamNanos() > TimeUnit.MILLISECONDS.toNanos(maxGapMs)) {
                    stream.upstreamStalled();
                } else if (now - stream.lastWriteNanos() > TimeUnit.MILLISECONDS.toNanos(heartbeatMs)) {
                    stream.heartbeat();
                }
            } catch (RuntimeException e) {
                LOG.warning(() -> "Stream watchdog: " + e);
            }
        }
    }

    /**
     * Liberty gives applications no quiesce callback, and while it quiesces it stops running
     * the callbacks that carry tokens, so streams would just stall until their gap timeout. A
     * refused no-op task is the earliest sign of a stopping server an application can see.
     */
    private boolean serverQuiescing() {
        try {
            executor.execute(() -> { });
            return false;
        } catch (RejectedExecutionException e) {
            return true;
        }
    }

    @PreDestroy
    void shutdown() {
        if (ticking != null) {
            ticking.cancel(false);
        }
        if (!open.isEmpty()) {
            LOG.info(() -> "Server stopping: telling " + open.size() + " open streams to retry");
        }
        open.forEach(WatchedStream::serverShutdown);
    }

    /** One stream's place on this server: watched while open, given back exactly once. */
    final class Place {

        private WatchedStream stream;
        private boolean released;

        void watch(WatchedStream watched) {
            this.stream = watched;
            open.add(watched);
        }

        synchronized void release() {
            if (!released) {
                released = true;
                if (stream != null) {
                    open.remove(stream);
                }
                permits.release();
            }
        }
    }
}
