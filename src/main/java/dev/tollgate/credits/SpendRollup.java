package dev.tollgate.credits;

import dev.tollgate.platform.Periodic;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Adds up users' spending of the days that are over ({@code tollgate_roll_up_spend}, db/R__holds.sql), so
 * that a limit check or GET /credits reads a month as at most 31 day rows plus today's entries.
 * Every server runs it; the database lets one of them do each day.
 */
@ApplicationScoped
public class SpendRollup {

    private static final Logger LOG = Logger.getLogger(SpendRollup.class.getName());

    /** How long a day must be over before it is added up: no entry can still be written into it. */
    private static final Duration GRACE = Duration.ofHours(1);

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Periodic periodic;

    @Inject
    @ConfigProperty(name = "tollgate.credits.spend-rollup-ms")
    long everyMs;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        periodic.every(everyMs, "Adding up users' spending by day", this::rollUp);
    }

    /**
     * One statement and no transaction around it (as in Admissions): it commits on its own,
     * and the watermark row it locks is held no longer than the statement runs.
     */
    void rollUp() {
        Instant before = clock.instant().minus(GRACE);
        int days = ((Number) em.createNativeQuery("select tollgate_roll_up_spend(?1)")
                .setParameter(1, before)
                .getSingleResult()).intValue();
        if (days > 0) { // once a day, on the server that got there first
            LOG.info(() -> "Added up " + days + " days of users' spending, every day before "
                    + before.atZone(ZoneOffset.UTC).toLocalDate() + " (UTC)");
        }
    }
}
