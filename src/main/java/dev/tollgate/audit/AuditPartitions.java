package dev.tollgate.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.List;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Monthly partitions of the audit log, kept by {@code tollgate_audit_upkeep} (db/R__audit_partitions.sql):
 * rows that landed in the default partition move into a month of their own, the next months are
 * created ahead of time, and a month older than the retention period is dropped whole.
 */
@ApplicationScoped
public class AuditPartitions {

    private static final Logger LOG = Logger.getLogger(AuditPartitions.class.getName());

    /** Months created before they begin, after the current one. */
    private static final int AHEAD = 2;

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    /** Months of audit data kept, the current one included. */
    @Inject
    @ConfigProperty(name = "tollgate.audit.retention-months")
    int retentionMonths;

    @Transactional
    @SuppressWarnings("unchecked")
    public void maintain() {
        List<String> done = em.createNativeQuery("select tollgate_audit_upkeep(?1, ?2, ?3)")
                .setParameter(1, clock.instant()).setParameter(2, AHEAD).setParameter(3, retentionMonths)
                .getResultList();
        done.forEach(line -> LOG.info("Audit partitions: " + line));
    }
}
