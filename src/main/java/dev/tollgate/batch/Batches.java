package dev.tollgate.batch;

import dev.tollgate.audit.AuditEntry;
import dev.tollgate.auth.Caller;
import dev.tollgate.auth.Policies;
import dev.tollgate.catalog.Catalog;
import dev.tollgate.catalog.Model;
import dev.tollgate.credits.Charge;
import dev.tollgate.credits.CreditLedger;
import dev.tollgate.credits.Hold;
import dev.tollgate.credits.Pricing;
import dev.tollgate.credits.Reservation;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import dev.tollgate.platform.Refusal;
import dev.tollgate.session.HistoryCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Batches for any front: checked whole before anything is queued, their worst case held in one
 * hold, found and listed for those who may see them, cancelled.
 */
@ApplicationScoped
public class Batches {

    private static final Pattern WINDOW = Pattern.compile("([1-9][0-9]{0,5})([smh])");
    private static final Duration LONGEST_WINDOW = Duration.ofHours(24);

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Pricing pricing;

    @Inject
    Catalog catalog;

    @Inject
    CreditLedger ledger;

    @Inject
    HistoryCipher cipher;

    @Inject
    BatchStore store;

    @Inject
    BatchProgress progress;

    @Inject
    Event<AuditEntry> audit;

    @Inject
    @ConfigProperty(name = "tollgate.batch.max-items")
    int maxItems;

    @Inject
    @ConfigProperty(name = "tollgate.chat.default-max-tokens")
    int defaultMaxTokens;

    /** The hosts webhooks may be sent to (TOLLGATE_BATCH_WEBHOOK_HOSTS): none unless an operator names them. */
    @Inject
    @ConfigProperty(name = "tollgate.batch.webhook-hosts")
    Optional<String> webhookHosts;

    /** A webhook's delivery as {@code GET …/{id}} shows it. */
    public record Delivery(String eventId, String type, String status, int attempts, Integer lastStatus,
                           String lastError, Instant createdAt, Instant deliveredAt) {
    }

    /**
     * The batch, queued: every item checked, its most cost (prompt tokens by the model's
     * tokenizer, its max_tokens in full) added into one hold. 402 when the pool or the caller's
     * spending limit cannot hold it; nothing is written then.
     */
    @Transactional
    public Batch create(Caller caller, BatchAsk ask, String requestId) {
        cipher.requireConfigured();
        if (ask.items().isEmpty()) {
            throw ProblemException.invalidField("items", "must hold at least one item");
        }
        if (ask.items().size() > maxItems) {
            throw ProblemException.invalidField("items", "holds " + ask.items().size() + " items; a batch holds at most "
                    + maxItems);
        }
        String model = pricing.model(ask.model());
        if (!catalog.mayUse(caller, model)) {
            throw Policies.modelRefused(model).exception();
        }
        Model entry = catalog.current().find(model);
        Duration window = window(ask.completionWindow());
        checkWebhook(ask.webhookUrl());

        UUID id = UUID.randomUUID();
        List<BatchStore.NewItem> items = new ArrayList<>(ask.items().size());
        long held = 0;
        for (int i = 0; i < ask.items().size(); i++) {
            ItemInput item = ask.items().get(i);
            int maxTokens = entry != null ? entry.maxTokens(item.maxTokens(), defaultMaxTokens)
                    : item.maxTokens() != null ? item.maxTokens() : defaultMaxTokens;
            long promptTokens = pricing.promptTokens(model, item.texts());
            if (entry != null && !entry.fits(promptTokens, maxTokens)) {
                throw ProblemException.invalidField("items[" + i + "].max_tokens", "with the prompt exceeds the model's "
                        + "context of " + entry.maxContextTokens() + " tokens");
            }
            long most = pricing.cost(model, promptTokens, maxTokens);
            held += most;
            ItemInput sealedAs = new ItemInput(item.customId(), item.query(), item.messages(), maxTokens, item.passOn());
            HistoryCipher.Sealed sealed = cipher.seal(Claimed.context(id, i, "in"), sealedAs.json());
            items.add(new BatchStore.NewItem(i, item.customId(), most, sealed.keyId(), sealed.bytes()));
        }

        Charge charge = new Charge(id, caller.companyId(), caller.userId(), requestId, null, model, held);
        Hold hold = ledger.reserve(charge, Reservation.Purpose.BATCH);
        if (!hold.held()) {
            throw refusal(hold, caller.companyId(), held).exception();
        }
        store.insert(id, ask, caller.companyId(), caller.userId(), requestId, id, held,
                clock.instant().plus(window), items);
        audit.fire(AuditEntry.of("batch.create", AuditEntry.Who.of(caller.companyId(), caller.userId()), requestId,
                null, "ok").withUsage(model, null, null, held).withTarget("batch:" + id));
        return em.find(Batch.class, id);
    }

    /** Short of credits or of the caller's limit: 402 with what the batch needs and the pool's balance. */
    private Refusal refusal(Hold hold, String companyId, long required) {
        Refusal refused = hold.refusal(() -> ledger.balance(companyId), required);
        return refused.balance() != null || refused.type() != ProblemType.SPENDING_LIMIT_REACHED ? refused
                : Refusal.unpaid(refused.type(), refused.detail(), ledger.balance(companyId), required);
    }

    /** The batch, if the caller may see it: their own, or any of their company's for its admins. 404 otherwise. */
    @Transactional
    public Batch find(Caller caller, UUID id) {
        Batch batch = id == null ? null : em.find(Batch.class, id);
        if (batch == null || !batch.companyId().equals(caller.companyId())
                || !(batch.userId().equals(caller.userId()) || caller.roles().contains(Policies.COMPANY_ADMIN))) {
            throw new ProblemException(ProblemType.NOT_FOUND, "No batch " + id + ".");
        }
        return batch;
    }

    /**
     * The caller's batches (a company admin's: the company's) asked through {@code front}, newest
     * first, after the batch {@code after} (null: from the newest).
     */
    @Transactional
    public List<Batch> list(Caller caller, BatchAsk.Front front, UUID after, int limit) {
        boolean company = caller.roles().contains(Policies.COMPANY_ADMIN);
        Batch from = after == null ? null : find(caller, after);
        var query = em.createQuery("select b from Batch b where b.companyId = :c and b.front = :f"
                        + (company ? "" : " and b.userId = :u")
                        + (from == null ? "" : " and (b.createdAt < :t or (b.createdAt = :t and b.id < :id))")
                        + " order by b.createdAt desc, b.id desc", Batch.class)
                .setParameter("c", caller.companyId()).setParameter("f", front.column())
                .setMaxResults(limit);
        if (!company) {
            query.setParameter("u", caller.userId());
        }
        if (from != null) {
            query.setParameter("t", from.createdAt()).setParameter("id", from.id());
        }
        return query.getResultList();
    }

    /** Cancels the batch (see {@link BatchStore#cancel}); 409 when it had ended otherwise. */
    @Transactional
    public Batch cancel(Caller caller, UUID id) {
        Batch batch = find(caller, id);
        if (!progress.cancel(batch.id())) {
            throw new ProblemException(ProblemType.BATCH_ENDED, "The batch has ended (" + batch.status()
                    + "); there is nothing to cancel.");
        }
        audit.fire(AuditEntry.of("batch.cancel", AuditEntry.Who.of(caller.companyId(), caller.userId()),
                batch.requestId(), null, "ok").withTarget("batch:" + id));
        em.clear();
        return em.find(Batch.class, id);
    }

    /** The webhook deliveries of the batch, oldest first. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<Delivery> deliveries(UUID batchId) {
        List<Object[]> rows = em.createNativeQuery("""
                        select event_id, body->>'type', status, attempts, last_status, last_error, created_at, delivered_at
                        from webhook_delivery where batch_id = ?1 order by id""")
                .setParameter(1, batchId).getResultList();
        return rows.stream().map(r -> new Delivery((String) r[0], (String) r[1], (String) r[2],
                ((Number) r[3]).intValue(), r[4] == null ? null : ((Number) r[4]).intValue(), (String) r[5],
                instant(r[6]), instant(r[7]))).toList();
    }

    static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant at) {
            return at;
        }
        if (value instanceof java.time.OffsetDateTime at) {
            return at.toInstant();
        }
        return ((java.sql.Timestamp) value).toInstant();
    }

    /** {@code "24h"}, {@code "90m"} or {@code "30s"}: at most a day. */
    static Duration window(String window) {
        Matcher parsed = WINDOW.matcher(window == null ? "24h" : window);
        if (parsed.matches()) {
            long n = Long.parseLong(parsed.group(1));
            Duration length = switch (parsed.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
            if (length.compareTo(LONGEST_WINDOW) <= 0) {
                return length;
            }
        }
        throw ProblemException.invalidField("completion_window", "must be a time of at most 24h, such as \"24h\"");
    }

    /** A webhook URL goes only to a host an operator allowed, over HTTP(S), with no credentials in it. */
    private void checkWebhook(String url) {
        if (url == null) {
            return;
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("webhook_url", "is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getUserInfo() != null) {
            throw ProblemException.invalidField("webhook_url", "must be an http or https URL with a host and no user");
        }
        Set<String> allowed = Arrays.stream(webhookHosts.orElse("").split(",")).map(String::trim)
                .filter(h -> !h.isEmpty()).map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        if (!allowed.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
            throw ProblemException.invalidField("webhook_url", "names host '" + uri.getHost()
                    + "', which is not on this server's list of webhook hosts (TOLLGATE_BATCH_WEBHOOK_HOSTS)");
        }
    }
}
