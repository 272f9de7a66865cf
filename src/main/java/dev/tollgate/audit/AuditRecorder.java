package dev.tollgate.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;

/** Writes audit rows for what other packages announce. */
@ApplicationScoped
public class AuditRecorder {

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Inject
    Clock clock;

    /** Joins the transaction that recorded what happened, so the two commit or fail together. */
    @Transactional
    void onChat(@Observes ChatAudited chat) {
        em.persist(new AuditEvent(chat, Instant.now(clock)));
    }
}
