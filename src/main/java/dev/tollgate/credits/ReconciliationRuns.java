package dev.tollgate.credits;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/** The record of reconciliation runs. */
@ApplicationScoped
public class ReconciliationRuns {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Transactional
    public ReconciliationRun record(ReconciliationRun run) {
        em.persist(run);
        return run;
    }

    @Transactional
    public java.util.Optional<ReconciliationRun> last() {
        return em.createQuery("select r from ReconciliationRun r order by r.id desc", ReconciliationRun.class)
                .setMaxResults(1).getResultStream().findFirst();
    }

}
