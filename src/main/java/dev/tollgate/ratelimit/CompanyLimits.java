package dev.tollgate.ratelimit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The configured default limits, and a company's own where a billing admin set them. Read on
 * every counted request, so kept for a few seconds per server: a change reaches the server it was
 * made on at once and the others within {@link #CACHE_NANOS}.
 */
@ApplicationScoped
public class CompanyLimits {

    static final long CACHE_NANOS = 5_000_000_000L;

    private record Cached(Limits limits, long readAt) {
    }

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "tollgate.rate.company.requests-per-minute")
    int companyRequestsPerMinute;

    @Inject
    @ConfigProperty(name = "tollgate.rate.company.max-streams")
    int companyMaxStreams;

    @Inject
    @ConfigProperty(name = "tollgate.rate.user.requests-per-minute")
    int userRequestsPerMinute;

    @Inject
    @ConfigProperty(name = "tollgate.rate.user.max-streams")
    int userMaxStreams;

    /**
     * The limits applying to the company: its own where set, the defaults elsewhere. Not
     * transactional: every admission asks, and a cached answer (or a single read) needs no
     * transaction begun and committed around it.
     */
    public Limits of(String companyId) {
        Cached cached = cache.get(companyId);
        if (cached != null && System.nanoTime() - cached.readAt() < CACHE_NANOS) {
            return cached.limits();
        }
        Limits read = read(companyId);
        cache.put(companyId, new Cached(read, System.nanoTime()));
        return read;
    }

    private Limits read(String companyId) {
        List<?> rows = em.createNativeQuery("""
                        select company_requests_per_min, company_max_streams, user_requests_per_min, user_max_streams
                        from rate_limit where company_id = ?1""")
                .setParameter(1, companyId).getResultList();
        Object[] own = rows.isEmpty() ? new Object[4] : (Object[]) rows.get(0);
        return new Limits(or(own[0], companyRequestsPerMinute), or(own[1], companyMaxStreams),
                or(own[2], userRequestsPerMinute), or(own[3], userMaxStreams));
    }

    /** Sets a company's own limits; a null leaves that one at the default. */
    @Transactional
    public void set(String companyId, Integer companyRpm, Integer companyStreams, Integer userRpm, Integer userStreams) {
        em.createNativeQuery("""
                        insert into rate_limit (company_id, company_requests_per_min, company_max_streams,
                                                user_requests_per_min, user_max_streams, updated_at)
                        values (?1, ?2, ?3, ?4, ?5, ?6)
                        on conflict (company_id) do update set company_requests_per_min = excluded.company_requests_per_min,
                            company_max_streams = excluded.company_max_streams,
                            user_requests_per_min = excluded.user_requests_per_min,
                            user_max_streams = excluded.user_max_streams, updated_at = excluded.updated_at""")
                .setParameter(1, companyId).setParameter(2, companyRpm).setParameter(3, companyStreams)
                .setParameter(4, userRpm).setParameter(5, userStreams).setParameter(6, clock.instant())
                .executeUpdate();
        cache.remove(companyId);
    }

    private static int or(Object own, int fallback) {
        return own == null ? fallback : ((Number) own).intValue();
    }
}
