package dev.tollgate.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Monthly partitions of the audit log: the next months are created ahead of time, and a month
 * older than the retention period is dropped whole (one statement, not a delete per row).
 */
@ApplicationScoped
public class AuditPartitions {

    private static final Logger LOG = Logger.getLogger(AuditPartitions.class.getName());
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMM");

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    /** Months of audit data kept, the current one included. */
    @Inject
    @ConfigProperty(name = "tollgate.audit.retention-months", defaultValue = "24")
    int retentionMonths;

    @Transactional
    public void maintain() {
        YearMonth now = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
        for (int ahead = 0; ahead <= 2; ahead++) {
            YearMonth month = now.plusMonths(ahead);
            em.createNativeQuery("create table if not exists audit_event_" + month.format(NAME)
                    + " partition of audit_event for values from ('" + month.atDay(1) + "') to ('"
                    + month.plusMonths(1).atDay(1) + "')").executeUpdate();
        }
        YearMonth oldestKept = now.minusMonths(retentionMonths - 1L);
        for (String partition : partitions()) {
            YearMonth month = YearMonth.parse(partition.substring("audit_event_".length()), NAME);
            if (month.isBefore(oldestKept)) {
                em.createNativeQuery("drop table " + partition).executeUpdate();
                LOG.info("Dropped audit partition " + partition + " (older than " + retentionMonths + " months)");
            }
        }
    }

    @SuppressWarnings("unchecked")
    List<String> partitions() {
        return em.createNativeQuery("""
                        select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
                        join pg_class p on p.oid = i.inhparent
                        where p.relname = 'audit_event' and c.relname ~ '^audit_event_[0-9]{6}$'""")
                .getResultList();
    }
}
