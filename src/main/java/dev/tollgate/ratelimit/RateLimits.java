package dev.tollgate.ratelimit;

import dev.tollgate.auth.Caller;
import dev.tollgate.platform.Periodic;
import dev.tollgate.platform.ProblemType;
import dev.tollgate.platform.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Counts in the database, so two servers see one count. A request takes one from its user's and
 * its company's minute (a conditional upsert: the row refuses to pass the limit); a stream takes
 * a slot, decided while the company's counter row is locked so parallel requests cannot all
 * squeeze into the last one (for streams, all of it in one database function). A refusal rolls
 * its counts back: refused requests cost nothing.
 */
@ApplicationScoped
public class RateLimits {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    CompanyLimits limits;

    @Inject
    Periodic periodic;

    @Inject
    StaleCounts stale;

    /** A stream still counted after this belonged to a server that died. */
    @Inject
    @ConfigProperty(name = "tollgate.rate.stream-slot-ttl-ms")
    long slotTtlMs;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        periodic.every(60_000, "Removing past rate windows and dead streams", stale::remove);
    }

    /** Counts one request of the caller, or refuses it with 429. */
    @Transactional
    public void admitRequest(Caller caller) {
        countRequest(caller, limits.of(caller.companyId()));
    }

    private void countRequest(Caller caller, Limits applying) {
        countForUser(caller, applying);
        countForCompany(caller, applying);
    }

    private void countForUser(Caller caller, Limits applying) {
        Instant window = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        if (!count("user:" + caller.companyId() + "/" + caller.userId(), window, applying.userRequestsPerMinute())) {
            throw userRequestsUsed(applying, window, clock.instant()).exception();
        }
    }

    /**
     * The company's counter row is shared by all its users' requests and stays locked until the
     * transaction commits: it is the last statement of its transaction.
     */
    private void countForCompany(Caller caller, Limits applying) {
        Instant window = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        if (!count("company:" + caller.companyId(), window, applying.companyRequestsPerMinute())) {
            throw companyRequestsUsed(applying, window, clock.instant()).exception();
        }
    }

    /**
     * A turn's count and stream slot as asked now, with its company's limits. A turn's admission
     * ({@code tollgate_admit}) takes them with {@code tollgate_open_stream} (db/R__stream_slots.sql),
     * whose lock on the company's counter row lets parallel requests not all squeeze into the last slot.
     */
    public StreamAsk ask(Caller caller, UUID turnId) {
        Instant now = clock.instant();
        return new StreamAsk(turnId, caller, limits.of(caller.companyId()), now, now.plusMillis(slotTtlMs),
                now.truncatedTo(ChronoUnit.MINUTES));
    }

    static Refusal userRequestsUsed(Limits applying, Instant window, Instant now) {
        return Refusal.limited("You have used your " + applying.userRequestsPerMinute() + " requests of this minute.",
                untilNextMinute(window, now), applying.userRequestsPerMinute());
    }

    static Refusal companyRequestsUsed(Limits applying, Instant window, Instant now) {
        return Refusal.limited("Your company has used its " + applying.companyRequestsPerMinute()
                + " requests of this minute.", untilNextMinute(window, now), applying.companyRequestsPerMinute());
    }

    static Refusal tooMany(String detail, Duration retryAfter) {
        return Refusal.of(ProblemType.RATE_LIMITED, detail, retryAfter);
    }

    private static Duration untilNextMinute(Instant window, Instant now) {
        return Duration.between(now, window.plus(1, ChronoUnit.MINUTES)).plusMillis(999).truncatedTo(ChronoUnit.SECONDS);
    }

    /** One more request in this window, unless the window is full: true when counted. */
    private boolean count(String subject, Instant window, int limit) {
        return em.createNativeQuery("""
                        insert into rate_window (subject, window_start, requests) values (?1, ?2, 1)
                        on conflict (subject, window_start) do update set requests = rate_window.requests + 1
                        where rate_window.requests < ?3""")
                .setParameter(1, subject).setParameter(2, window).setParameter(3, limit)
                .executeUpdate() == 1 && limit > 0;
    }
}
