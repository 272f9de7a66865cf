package dev.tollgate.audit;

import dev.tollgate.platform.Periodic;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The audit log's background work on every server: sealing new rows, and the monthly partitions. */
@ApplicationScoped
public class AuditJobs {

    @Inject
    Periodic periodic;

    @Inject
    AuditSealer sealer;

    @Inject
    AuditPartitions partitions;

    @Inject
    @ConfigProperty(name = "tollgate.audit.seal-ms")
    long sealMs;

    @Inject
    @ConfigProperty(name = "tollgate.audit.maintenance-ms")
    long maintenanceMs;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        periodic.every(sealMs, "Sealing audit events", () -> {
            while (sealer.seal() == 2000) {
                // a full batch: more are waiting
            }
        });
        periodic.every(maintenanceMs, "Audit partitions", partitions::maintain);
    }
}
