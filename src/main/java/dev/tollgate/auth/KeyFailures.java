package dev.tollgate.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refused API keys counted per client address and minute, in the rate limits' table so every
 * server sees one count (and the rate limits' sweeper removes past minutes). An address over the
 * limit is refused before its key is looked at, until the minute ends.
 */
@ApplicationScoped
public class KeyFailures {

    private static final String SUBJECT = "api-key-failures:";

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "tollgate.api-keys.failures-per-minute")
    int perMinute;

    int perMinute() {
        return perMinute;
    }

    /** How long the address must wait, or null when it may try. */
    @Transactional
    public Duration wait(String address) {
        Instant window = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        List<?> counted = em.createNativeQuery("select requests from rate_window where subject = ?1 and window_start = ?2")
                .setParameter(1, SUBJECT + address).setParameter(2, window).getResultList();
        if (counted.isEmpty() || ((Number) counted.get(0)).intValue() < perMinute) {
            return null;
        }
        return Duration.between(clock.instant(), window.plus(1, ChronoUnit.MINUTES)).plusMillis(999)
                .truncatedTo(ChronoUnit.SECONDS);
    }

    @Transactional
    public void count(String address) {
        em.createNativeQuery("""
                        insert into rate_window (subject, window_start, requests) values (?1, ?2, 1)
                        on conflict (subject, window_start) do update set requests = rate_window.requests + 1""")
                .setParameter(1, SUBJECT + address).setParameter(2, clock.instant().truncatedTo(ChronoUnit.MINUTES))
                .executeUpdate();
    }
}
