package dev.tollgate.ratelimit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Counters of past minutes, and slots of streams whose server died, removed in bulk. */
@ApplicationScoped
public class StaleCounts {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    @Transactional
    public void remove() {
        Instant now = clock.instant();
        em.createNativeQuery("delete from rate_window where window_start < ?1")
                .setParameter(1, now.truncatedTo(ChronoUnit.MINUTES).minus(1, ChronoUnit.MINUTES)).executeUpdate();
        em.createNativeQuery("delete from stream_slot where expires_at < ?1").setParameter(1, now).executeUpdate();
    }
}
