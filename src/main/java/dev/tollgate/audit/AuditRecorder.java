package dev.tollgate.audit;

import dev.tollgate.auth.CurrentCaller;
import dev.tollgate.platform.CurrentRequest;
import dev.tollgate.platform.Periodic;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Writes what other packages announce. An entry announced inside a transaction (a ledger entry,
 * a settlement, a session row) is written in that transaction: it commits or fails with what it
 * describes. Any other entry (a denied request, a session deleted upstream) goes to a queue that
 * a background writer flushes in batches, so recording never waits on the database; the queue
 * is drained when the application stops. A full queue is written through rather than dropped.
 */
@ApplicationScoped
public class AuditRecorder {

    @Resource
    TransactionSynchronizationRegistry transactions;

    @Inject
    AuditRows rows;

    @Inject
    BeanManager beans;

    @Inject
    CurrentRequest request;

    @Inject
    CurrentCaller caller;

    @Inject
    Periodic periodic;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "tollgate.audit.flush-ms")
    long flushMs;

    @Inject
    @ConfigProperty(name = "tollgate.audit.queue-capacity")
    int capacity;

    private BlockingQueue<AuditRows.Timed> queue;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        queue = new ArrayBlockingQueue<>(capacity);
        periodic.every(flushMs, "Writing queued audit events", this::flush);
    }

    void record(@Observes AuditEntry entry) {
        AuditRows.Timed timed = new AuditRows.Timed(withRequest(entry), clock.instant());
        if (transactions.getTransactionStatus() != Status.STATUS_NO_TRANSACTION || queue == null || !queue.offer(timed)) {
            rows.insert(List.of(timed)); // joins the active transaction, or writes through
        }
    }

    /**
     * Fills in who and from where when the entry was announced while serving a request and its
     * announcer did not say (the ledger knows the company and user, not the address).
     */
    private AuditEntry withRequest(AuditEntry entry) {
        AuditEntry.Who who = entry.who();
        if (who.clientAddress() != null || !requestActive()) {
            return entry;
        }
        String roles = who.roles();
        if (roles == null) {
            try {
                roles = String.join(",", new java.util.TreeSet<>(caller.get().roles()));
            } catch (RuntimeException noCaller) {
                // a webhook, or a token without a company: no roles to record
            }
        }
        AuditEntry.Who full = new AuditEntry.Who(who.companyId(), who.userId(), roles, request.clientAddress(),
                request.userAgent());
        AuditEntry enriched = entry.withWho(full);
        return entry.target() == null ? enriched.withTarget(request.target()) : enriched;
    }

    private boolean requestActive() {
        try {
            return beans.getContext(RequestScoped.class).isActive();
        } catch (ContextNotActiveException e) {
            return false;
        }
    }

    /** Writes what is queued, in batches of at most 1,000 rows. */
    void flush() {
        List<AuditRows.Timed> batch = new ArrayList<>();
        while (queue.drainTo(batch, 1000) > 0) {
            rows.insert(batch);
            batch.clear();
        }
    }

    /** On a normal stop nothing queued is lost. */
    @PreDestroy
    void drain() {
        if (queue != null) {
            flush();
        }
    }
}
