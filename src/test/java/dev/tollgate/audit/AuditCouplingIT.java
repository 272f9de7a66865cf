package dev.tollgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tollgate.auth.Caller;
import dev.tollgate.auth.CurrentCaller;
import dev.tollgate.auth.Policies;
import dev.tollgate.auth.TokenCallers;
import dev.tollgate.credits.CreditLedger;
import dev.tollgate.platform.Clocks;
import dev.tollgate.platform.CurrentRequest;
import dev.tollgate.platform.Hashes;
import dev.tollgate.platform.JsonFormat;
import dev.tollgate.platform.Periodic;
import dev.tollgate.platform.RequestIds;
import dev.tollgate.testing.Archives;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.UserTransaction;
import java.util.UUID;
import javax.naming.InitialContext;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Audit rows about money share the transaction of the ledger entries they describe: both
 * commit, or neither. Runs inside Liberty (Arquillian) so the test can own the transaction.
 */
@ExtendWith(ArquillianExtension.class)
class AuditCouplingIT {

    @Deployment
    static WebArchive deployment() {
        return Archives.ledger("audit-coupling-it.war")
                .addClasses(AuditRecorder.class, AuditRows.class, AuditRows.Timed.class)
                .addClasses(Clocks.class, JsonFormat.class, Periodic.class, CurrentRequest.class, RequestIds.class,
                        CurrentCaller.class, TokenCallers.class, Hashes.class, Caller.class, Policies.class, Rows.class);
    }

    @Inject
    CreditLedger ledger;


    @Inject
    Rows rows;

    /** Counts rows through the server's persistence unit, inside the test's transaction when there is one. */
    @ApplicationScoped
    public static class Rows {

        @PersistenceContext(unitName = "tollgate")
        EntityManager em;

        long count(String sql, String company) {
            return ((Number) em.createNativeQuery(sql).setParameter(1, company).getSingleResult()).longValue();
        }
    }

    private long count(String sql, String company) {
        return rows.count(sql, company);
    }

    private long grants(String company) {
        return count("select count(*) from ledger_entry where company_id = ?1 and idempotency_key like 'grant:%'", company);
    }

    private long audited(String company) {
        return count("select count(*) from audit_event where company_id = ?1 and action = 'credits.grant'", company);
    }

    @Test
    void aGrantAndItsAuditRowCommitTogetherOrNotAtAll() throws Exception {
        String company = "coupling-" + UUID.randomUUID();

        UserTransaction transaction = InitialContext.doLookup("java:comp/UserTransaction");
        transaction.begin();
        ledger.grant(company, 50, "rolled-back-" + company, "billing-1");
        assertEquals(1, grants(company)); // visible inside the transaction
        assertEquals(1, audited(company));
        transaction.rollback();

        assertEquals(0, grants(company));
        assertEquals(0, audited(company));

        ledger.grant(company, 50, "kept-" + company, "billing-1");
        assertEquals(1, grants(company));
        assertEquals(1, audited(company));
    }
}
