package dev.tollgate.ratelimit;

import dev.tollgate.auth.Caller;
import dev.tollgate.platform.Periodic;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.sql.SQLException;
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
            throw userRequestsUsed(applying, window);
        }
    }

    /**
     * The company's counter row is shared by all its users' requests and stays locked until the
     * transaction commits: it is the last statement of its transaction.
     */
    private void countForCompany(Caller caller, Limits applying) {
        Instant window = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        if (!count("company:" + caller.companyId(), window, applying.companyRequestsPerMinute())) {
            throw companyRequestsUsed(applying, window);
        }
    }

    private ProblemException userRequestsUsed(Limits applying, Instant window) {
        return tooMany("You have used your " + applying.userRequestsPerMinute() + " requests of this minute.",
                untilNextMinute(window));
    }

    private ProblemException companyRequestsUsed(Limits applying, Instant window) {
        return tooMany("Your company has used its " + applying.companyRequestsPerMinute() + " requests of this minute.",
                untilNextMinute(window));
    }

    /**
     * Counts the request and takes a stream slot for this turn, or refuses with 429. Taking the
     * same turn's slot again is a no-op. One statement, {@code tollgate_open_stream} (db/R__stream_slots.sql):
     * the company's counter row, which serialises its slot decisions so parallel requests cannot
     * all squeeze into the last one, is then locked for microseconds instead of across five round
     * trips and a commit. It runs on its own, outside any caller's transaction.
     */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public void openStream(Caller caller, UUID turnId) {
        StreamAsk ask = ask(caller, turnId);
        try {
            ask.bind(em.createNativeQuery("select tollgate_open_stream(" + StreamAsk.ARGUMENTS + ")")).getSingleResult();
        } catch (PersistenceException e) {
            throw refusalOr(e, ask);
        }
    }

    /** A stream's admission now, with the caller's company's limits. */
    public StreamAsk ask(Caller caller, UUID turnId) {
        Instant now = clock.instant();
        return new StreamAsk(turnId, caller, limits.of(caller.companyId()), now, now.plusMillis(slotTtlMs),
                now.truncatedTo(ChronoUnit.MINUTES));
    }

    /** The 429 for a limit the admission's function refused (by its SQLSTATE), or the failure as it is. */
    public RuntimeException refusalOr(PersistenceException failure, StreamAsk ask) {
        ProblemException refused = refusal(sqlState(failure), ask.limits(), ask.window());
        return refused != null ? refused : failure;
    }

    /** The function's refusals, by SQLSTATE (db/R__stream_slots.sql); null for any other failure. */
    private ProblemException refusal(String sqlState, Limits applying, Instant window) {
        return switch (sqlState == null ? "" : sqlState) {
            case "TG001" -> userRequestsUsed(applying, window);
            case "TG002" -> companyRequestsUsed(applying, window);
            case "TG003" -> tooMany("Your company has " + applying.companyMaxStreams() + " answers streaming already.",
                    Duration.ofSeconds(1));
            case "TG004" -> tooMany("You have " + applying.userMaxStreams() + " answers streaming already.",
                    Duration.ofSeconds(1));
            default -> null;
        };
    }

    private static String sqlState(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
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
        return new ProblemException(ProblemType.RATE_LIMITED, detail, retryAfter);
    }
}
