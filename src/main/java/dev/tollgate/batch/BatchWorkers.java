package dev.tollgate.batch;

import static dev.tollgate.platform.JsonFormat.JSON;

import dev.tollgate.catalog.Catalog;
import dev.tollgate.catalog.Deployment;
import dev.tollgate.catalog.Model;
import dev.tollgate.credits.Pricing;
import dev.tollgate.llm.ChatPrompt;
import dev.tollgate.llm.LlmBusy;
import dev.tollgate.llm.LlmException;
import dev.tollgate.llm.LlmService;
import dev.tollgate.llm.LlmTimeout;
import dev.tollgate.platform.Periodic;
import dev.tollgate.session.HistoryCipher;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * This server's batch workers: at most {@code tollgate.batch.workers} items at once, claimed
 * from the shared queue whenever one is free (and on every poll), answered through the same
 * {@code llm} port as chat within the batches' share of each deployment. A failed try goes back
 * to the queue with a growing delay; after {@code max-attempts} the item fails with its reason.
 * While an item runs, its lease is renewed on every poll; a server that dies stops renewing, and
 * any other server takes the item over once the lease has run out. So does a try whose end could
 * not be written (the database away): it is no longer renewed once it has ended here.
 */
@ApplicationScoped
public class BatchWorkers {

    private static final Logger LOG = Logger.getLogger(BatchWorkers.class.getName());
    private static final int WRITE_GROUP = 200;

    /** An answer to write, and the prompt whose upstream session (on a seed service) goes once it is written. */
    private record Written(BatchStore.Done done, ChatPrompt prompt) {
    }

    @Inject
    BatchStore store;

    @Inject
    BatchProgress progress;

    @Inject
    LlmService llm;

    @Inject
    Catalog catalog;

    @Inject
    Pricing pricing;

    @Inject
    HistoryCipher cipher;

    @Inject
    Periodic periodic;

    /** Threads of their own: a try waits on one for its first token, and must not take the server's shared pool. */
    @Resource
    ManagedThreadFactory threads;

    @Inject
    @ConfigProperty(name = "tollgate.batch.workers")
    int workers;

    @Inject
    @ConfigProperty(name = "tollgate.batch.poll-ms")
    long pollMs;

    @Inject
    @ConfigProperty(name = "tollgate.batch.lease-ms")
    long leaseMs;

    @Inject
    @ConfigProperty(name = "tollgate.batch.max-attempts")
    int maxAttempts;

    @Inject
    @ConfigProperty(name = "tollgate.batch.retry-base-ms")
    long retryBaseMs;

    @Inject
    @ConfigProperty(name = "tollgate.batch.item-timeout-ms")
    long itemTimeoutMs;

    @Inject
    @ConfigProperty(name = "tollgate.batch.sweep-ms")
    long sweepMs;

    /** Who holds a lease: this server's run of the application. */
    private final String worker = "worker-" + UUID.randomUUID();
    private final Set<Claimed> running = ConcurrentHashMap.newKeySet();
    /** Workers busy with an upstream call; an answer waiting to be written frees its worker. */
    private final AtomicInteger calling = new AtomicInteger();
    private final AtomicBoolean claiming = new AtomicBoolean();
    /** Answers gathered, waiting to be written; their items stay running (and leased) until then. */
    private final Queue<Written> toWrite = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    private ExecutorService executor;
    private ScheduledExecutorService renewals;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        executor = Executors.newFixedThreadPool(Math.max(1, workers), threads);
        // the leases' renewal on a thread of its own too: a busy server must not lose its items to another
        renewals = Executors.newSingleThreadScheduledExecutor(threads);
        renewals.scheduleWithFixedDelay(() -> {
            try {
                poll();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Working on batch items failed; the next poll tries again", e);
            }
        }, pollMs, pollMs, TimeUnit.MILLISECONDS);
        periodic.every(sweepMs, "Ending batches that are due", () -> {
            while (progress.endDue() > 0) {
                // another page of due batches
            }
            progress.purgeDue();
        });
    }

    @PreDestroy
    void stop() {
        if (renewals != null) {
            renewals.shutdownNow();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private void poll() {
        if (!running.isEmpty()) {
            store.renew(worker, List.copyOf(running), leaseMs);
        }
        claim();
    }

    /** Claims as many items as there are free workers, and starts them. */
    private void claim() {
        if (!claiming.compareAndSet(false, true)) {
            return;
        }
        try {
            int free = toWrite.size() > WRITE_GROUP ? 0 : workers - calling.get();
            if (free > 0) {
                for (Claimed item : store.claim(worker, free, leaseMs)) {
                    running.add(item);
                    calling.incrementAndGet();
                    executor.execute(() -> run(item));
                }
            }
        } finally {
            claiming.set(false);
        }
    }

    private void run(Claimed item) {
        try {
            ItemInput input = ItemInput.of(item.customId(), cipher.open(item.context("in"), item.keyId(), item.input()));
            ChatPrompt prompt = new ChatPrompt(UUID.randomUUID(), item.userId(), item.companyId(), item.model(),
                    input.query(), input.maxTokens(), null, item.requestId(), input.messages(), input.passOn());
            LlmService.Opened opened = llm.openForBatch(prompt);
            new Gathered(opened.tokens(), input.maxTokens()).answer()
                    .orTimeout(itemTimeoutMs, TimeUnit.MILLISECONDS)
                    .whenComplete((answer, failure) -> executor.execute(() -> {
                        try {
                            if (failure != null) {
                                opened.tokens().cancel();
                                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                        ? failure.getCause() : failure;
                                tryFailed(item, cause instanceof LlmException known ? known
                                        : new LlmTimeout("The answer took longer than the item may", null));
                            } else {
                                toWrite.add(new Written(new BatchStore.Done(item, answered(item, input, prompt,
                                        opened.route(), answer)), prompt));
                                freed();
                                write();
                                return; // ended once written
                            }
                        } catch (RuntimeException unwritten) {
                            LOG.log(Level.WARNING, "Batch item " + item.requestId()
                                    + " could not be written; it is tried again when its lease runs out", unwritten);
                        }
                        ended(item, prompt);
                    }));
        } catch (LlmException failure) {
            try {
                tryFailed(item, failure);
            } finally {
                ended(item, null);
            }
        } catch (RuntimeException failure) {
            LOG.log(Level.WARNING, "Batch item " + item.requestId() + " failed", failure);
            try {
                store.failed(item, "internal_error", "The item could not be run: " + failure.getClass().getSimpleName());
            } finally {
                ended(item, null);
            }
        }
    }

    /** A try that ended without an answer to write: its worker free, its lease let go. */
    private void ended(Claimed item, ChatPrompt prompt) {
        calling.decrementAndGet();
        written(item, prompt);
        claim();
    }

    /** A worker free again: the next item claimed at once. */
    private void freed() {
        calling.decrementAndGet();
        claim();
    }

    /** The item's try is over here: its lease no longer renewed, a seed service's throwaway session deleted. */
    private void written(Claimed item, ChatPrompt prompt) {
        running.remove(item);
        if (prompt != null) {
            Model model = catalog.current().find(prompt.model());
            if (model != null && model.servedBy(Deployment.Kind.SEED)) {
                try {
                    llm.deleteSession(prompt.sessionId(), prompt.requestId());
                } catch (LlmException gone) {
                    // the service forgets idle sessions itself
                }
            }
        }
    }

    /**
     * Writes the answers waiting, in groups: one transaction for as many as came in while the last
     * one was written, so the batch's row and its hold are locked once per group, not per item.
     */
    private void write() {
        while (!toWrite.isEmpty() && writing.compareAndSet(false, true)) {
            List<Written> group = new ArrayList<>();
            try {
                for (Written next; group.size() < WRITE_GROUP && (next = toWrite.poll()) != null; ) {
                    group.add(next);
                }
                if (!group.isEmpty()) {
                    store.answered(group.stream().map(Written::done).toList());
                }
            } catch (RuntimeException unwritten) {
                LOG.log(Level.WARNING, group.size() + " batch answers could not be written; their items are tried "
                        + "again when their leases run out", unwritten);
            } finally {
                writing.set(false);
                group.forEach(written -> written(written.done().item(), written.prompt()));
                claim();
            }
        }
    }

    private Answered answered(Claimed item, ItemInput input, ChatPrompt prompt, String route, Gathered.Answer answer) {
        int promptTokens = answer.usage() != null ? answer.usage().promptTokens()
                : (int) pricing.promptTokens(item.model(), prompt.texts());
        // the server's count, at most the limit (a server that ignored it was cut off there); without one, the deltas
        int completionTokens = answer.usage() != null ? Math.min(answer.usage().completionTokens(), input.maxTokens())
                : answer.deltas();
        long credits = Math.min(item.maxCredits(), pricing.cost(item.model(), promptTokens, completionTokens));
        JsonArrayBuilder tools = JSON.createArrayBuilder();
        answer.toolCalls().forEach(tools::add);
        String output = JSON.createObjectBuilder().add("content", answer.content()).add("tool_call_deltas", tools)
                .add("finish_reason", answer.finishReason()).add("prompt_tokens", promptTokens)
                .add("completion_tokens", completionTokens).add("created", System.currentTimeMillis() / 1000)
                .build().toString();
        HistoryCipher.Sealed sealed = cipher.seal(item.context("out"), output);
        return new Answered(sealed.keyId(), sealed.bytes(), promptTokens, completionTokens, credits, route);
    }

    /** A try that failed: again later (a busy server costs no try), or the item fails with the reason. */
    private void tryFailed(Claimed item, LlmException failure) {
        if (failure instanceof LlmBusy) {
            store.retry(item, null, null, Duration.ofMillis(Math.min(1000, pollMs * 2)), false);
        } else if (item.attempt() >= maxAttempts) {
            store.failed(item, failure.code(), failure.getMessage());
        } else {
            long backoff = retryBaseMs << Math.min(item.attempt() - 1, 10);
            if (failure.retryAfter() != null) {
                backoff = Math.max(backoff, failure.retryAfter().toMillis());
            }
            store.retry(item, failure.code(), failure.getMessage(), Duration.ofMillis(backoff), true);
        }
    }
}
