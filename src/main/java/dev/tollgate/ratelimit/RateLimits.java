package dev.tollgate.ratelimit;

import dev.tollgate.auth.Caller;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.Periodic;
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
 * squeeze into the last one. A refusal rolls its transaction back: refused requests cost nothing.
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
    @ConfigProperty(name = "tollgate.rate.stream-slot-ttl-ms", defaultValue = "900000")
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
            throw tooMany("You have used your " + applying.userRequestsPerMinute() + " requests of this minute.",
                    untilNextMinute(window));
        }
    }

    /**
     * The company's counter row is shared by all its users' requests and stays locked until the
     * transaction commits: it is the last statement of its transaction.
     */
    private void countForCompany(Caller caller, Limits applying) {
        Instant window = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        if (!count("company:" + caller.companyId(), window, applying.companyRequestsPerMinute())) {
            throw tooMany("Your company has used its " + applying.companyRequestsPerMinute() + " requests of this minute.",
                    untilNextMinute(window));
        }
    }

    /**
     * Counts the request and takes a stream slot for this turn, or refuses with 429. Taking the
     * same turn's slot again is a no-op.
     */
    @Transactional
    public void openStream(Caller caller, UUID turnId) {
        Limits applying = limits.of(caller.companyId());
        // Counters and slots are provisional (a slot expires, a window is a minute): after a
        // database crash losing the last of them is harmless, so the commit need not wait for the
        // WAL flush. The company's locks below are held until that commit.
        em.createNativeQuery("select set_config('synchronous_commit', 'off', true)").getSingleResult();
        countForUser(caller, applying);
        // The company's counter row, once updated, stays locked until the commit: it serialises the
        // company's slot decisions below, so parallel requests cannot all squeeze into the last one.
        countForCompany(caller, applying);
        Instant now = clock.instant();
        Object[] open = (Object[]) em.createNativeQuery("""
                        select count(*), count(*) filter (where user_id = ?2)
                        from stream_slot where company_id = ?1 and expires_at > ?3 and turn_id <> ?4""")
                .setParameter(1, caller.companyId()).setParameter(2, caller.userId())
                .setParameter(3, now).setParameter(4, turnId)
                .getSingleResult();
        if (((Number) open[0]).longValue() >= applying.companyMaxStreams()) {
            throw tooMany("Your company has " + applying.companyMaxStreams() + " answers streaming already.", Duration.ofSeconds(1));
        }
        if (((Number) open[1]).longValue() >= applying.userMaxStreams()) {
            throw tooMany("You have " + applying.userMaxStreams() + " answers streaming already.", Duration.ofSeconds(1));
        }
        em.createNativeQuery("""
                        insert into stream_slot (turn_id, company_id, user_id, started_at, expires_at)
                        values (?1, ?2, ?3, ?4, ?5) on conflict (turn_id) do nothing""")
                .setParameter(1, turnId).setParameter(2, caller.companyId()).setParameter(3, caller.userId())
                .setParameter(4, now).setParameter(5, now.plusMillis(slotTtlMs))
                .executeUpdate();
    }

    /** Gives the turn's slot back (in the caller's transaction when there is one). Safe to repeat. */
    @Transactional
    public void closeStream(UUID turnId) {
        em.createNativeQuery("delete from stream_slot where turn_id = ?1").setParameter(1, turnId).executeUpdate();
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

    private Duration untilNextMinute(Instant window) {
        return Duration.between(clock.instant(), window.plus(1, ChronoUnit.MINUTES)).plusMillis(999).truncatedTo(ChronoUnit.SECONDS);
    }

    private static ProblemException tooMany(String detail, Duration retryAfter) {
        return new ProblemException(429, "Rate limit reached", detail, retryAfter);
    }
}
