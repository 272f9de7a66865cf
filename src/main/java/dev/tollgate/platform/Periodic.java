package dev.tollgate.platform;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Background jobs that repeat (sweeps, reconciliation) on Liberty's managed scheduler. A failed
 * run is logged and the next one tries again; all stop with the application.
 */
@ApplicationScoped
public class Periodic {

    private static final Logger LOG = Logger.getLogger(Periodic.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;

    private final List<ScheduledFuture<?>> jobs = new CopyOnWriteArrayList<>();

    public void every(long millis, String what, Runnable job) {
        jobs.add(scheduler.scheduleWithFixedDelay(() -> {
            try {
                job.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, what + " failed; the next run tries again", e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS));
    }

    @PreDestroy
    void stop() {
        jobs.forEach(job -> job.cancel(false));
    }
}
