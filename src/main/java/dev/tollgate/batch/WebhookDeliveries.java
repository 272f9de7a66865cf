package dev.tollgate.batch;

import dev.tollgate.credits.WebhookSignature;
import dev.tollgate.platform.Periodic;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.query.NativeQuery;

/**
 * Sends the webhook outbox: each delivery claimed under a lease by one server, POSTed signed
 * ({@code X-Tollgate-Signature}: HMAC-SHA256 over timestamp and body with the company's secret,
 * as the usage webhook Tollgate receives), at least once: a receiver dedupes by
 * {@code X-Tollgate-Event-Id}. A failure is tried again after a doubling delay until
 * {@code webhook-give-up-ms} after the event. Redirects are not followed: the allow-list
 * checked the host the URL names.
 */
@ApplicationScoped
public class WebhookDeliveries {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    WebhookSecrets secrets;

    @Inject
    Periodic periodic;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "tollgate.batch.webhook-poll-ms")
    long pollMs;

    @Inject
    @ConfigProperty(name = "tollgate.batch.webhook-retry-base-ms")
    long retryBaseMs;

    @Inject
    @ConfigProperty(name = "tollgate.batch.webhook-give-up-ms")
    long giveUpMs;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();

    /** One delivery claimed to send. */
    record Due(long id, String eventId, String url, String body, String companyId, int attempts, Instant createdAt) {
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        periodic.every(pollMs, "Sending batch webhooks", () -> claim().forEach(this::send));
    }

    @Transactional
    @SuppressWarnings("unchecked")
    List<Due> claim() {
        Instant now = clock.instant();
        List<Object[]> rows = em.createNativeQuery("""
                        update webhook_delivery d set attempts = d.attempts + 1, leased_until = ?1
                        from (select id from webhook_delivery where status = 'pending' and next_at <= ?2
                                and (leased_until is null or leased_until < ?2)
                              order by next_at limit 10 for update skip locked) c, batch b
                        where d.id = c.id and b.id = d.batch_id
                        returning d.id, d.event_id, d.url, cast(d.body as text), b.company_id, d.attempts, d.created_at""")
                .setParameter(1, now.plusSeconds(60)).setParameter(2, now).getResultList();
        return rows.stream().map(r -> new Due(((Number) r[0]).longValue(), (String) r[1], (String) r[2], (String) r[3],
                (String) r[4], ((Number) r[5]).intValue(), Batches.instant(r[6]))).toList();
    }

    private void send(Due due) {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        String signature = "sha256=" + WebhookSignature.sign(secrets.of(due.companyId()), timestamp + "." + due.body());
        Integer status = null;
        String error = null;
        try {
            HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(due.url()))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Tollgate-Webhooks")
                    .header("X-Tollgate-Event-Id", due.eventId())
                    .header("X-Tollgate-Timestamp", timestamp)
                    .header("X-Tollgate-Signature", signature)
                    .POST(HttpRequest.BodyPublishers.ofString(due.body())).build(), HttpResponse.BodyHandlers.discarding());
            status = answer.statusCode();
            if (status / 100 != 2) {
                error = "HTTP " + status;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (Exception e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        record(due, status, error);
    }

    @Transactional
    void record(Due due, Integer status, String error) {
        Instant now = clock.instant();
        boolean givenUp = error != null && now.isAfter(due.createdAt().plusMillis(giveUpMs));
        long delay = retryBaseMs << Math.min(due.attempts() - 1, 16);
        em.createNativeQuery("""
                        update webhook_delivery set status = ?1, last_status = ?2, last_error = ?3, leased_until = null,
                               next_at = ?4, delivered_at = ?5
                        where id = ?6""")
                .unwrap(NativeQuery.class)
                .setParameter(1, error == null ? "delivered" : givenUp ? "given_up" : "pending")
                .setParameter(2, status, Integer.class)
                .setParameter(3, error == null || error.length() <= 500 ? error : error.substring(0, 500), String.class)
                .setParameter(4, now.plusMillis(Math.min(delay, 3_600_000L)))
                .setParameter(5, error == null ? now : null, Instant.class)
                .setParameter(6, due.id()).executeUpdate();
    }
}
