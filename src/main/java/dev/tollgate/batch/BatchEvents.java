package dev.tollgate.batch;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A batch's events as a stream: from the one after {@code Last-Event-ID} (every event has its
 * number as its id), then as they are written, read from the table every few hundred
 * milliseconds, so any server can serve any batch's stream. It ends after the batch's end.
 */
@ApplicationScoped
public class BatchEvents {

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    BatchProgress progress;

    @Inject
    @ConfigProperty(name = "tollgate.batch.events-poll-ms")
    long pollMs;

    void follow(UUID batchId, long after, SseEventSink sink, Sse sse) {
        AtomicLong last = new AtomicLong(after);
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        task.set(scheduler.scheduleWithFixedDelay(() -> {
            try {
                if (sink.isClosed() || !relay(batchId, last, sink, sse)) {
                    stop(task, sink);
                }
            } catch (RuntimeException gone) {
                stop(task, sink);
            }
        }, 0, pollMs, TimeUnit.MILLISECONDS));
    }

    /** Sends what is new; false once the batch has ended and its last event is sent. */
    private boolean relay(UUID batchId, AtomicLong last, SseEventSink sink, Sse sse) {
        List<BatchProgress.Logged> events = progress.events(batchId, last.get(), 200);
        for (BatchProgress.Logged event : events) {
            sink.send(sse.newEventBuilder().id(Long.toString(event.seq())).name(event.type())
                    .mediaType(MediaType.APPLICATION_JSON_TYPE).data(String.class, event.data()).build())
                    .toCompletableFuture().join();
            last.set(event.seq());
            if (Batch.ENDED.contains(event.type().substring(event.type().indexOf('.') + 1))) {
                return false;
            }
        }
        return !events.isEmpty() || !progress.ended(batchId);
    }

    private static void stop(AtomicReference<ScheduledFuture<?>> task, SseEventSink sink) {
        ScheduledFuture<?> running = task.get();
        if (running != null) {
            running.cancel(false);
        }
        sink.close();
    }
}
