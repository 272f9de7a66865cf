package dev.tollgate.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import org.hibernate.Session;

/** Inserts audit rows, many at once as one JDBC batch, in the caller's transaction or a new one. */
@ApplicationScoped
public class AuditRows {

    /** An entry and the moment it happened (taken when it was announced, not when it is written). */
    record Timed(AuditEntry entry, Instant at) {
    }

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Transactional
    public void insert(List<Timed> rows) {
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into audit_event (occurred_at, company_id, user_id, roles, action, target, request_id,
                        session_id, model, prompt_tokens, completion_tokens, credits, outcome, latency_ms, ttft_ms,
                        client_address, user_agent) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                for (Timed row : rows) {
                    AuditEntry e = row.entry();
                    AuditEntry.Who who = e.who();
                    insert.setTimestamp(1, Timestamp.from(row.at()));
                    insert.setString(2, who.companyId());
                    insert.setString(3, who.userId());
                    insert.setString(4, cut(who.roles(), 255));
                    insert.setString(5, e.action());
                    insert.setString(6, cut(e.target(), 300));
                    insert.setString(7, e.requestId());
                    insert.setObject(8, e.sessionId(), Types.OTHER);
                    insert.setString(9, e.model());
                    insert.setObject(10, e.promptTokens(), Types.INTEGER);
                    insert.setObject(11, e.completionTokens(), Types.INTEGER);
                    insert.setObject(12, e.credits(), Types.BIGINT);
                    insert.setString(13, e.outcome());
                    insert.setObject(14, e.latencyMs(), Types.BIGINT);
                    insert.setObject(15, e.ttftMs(), Types.BIGINT);
                    insert.setString(16, cut(who.clientAddress(), 64));
                    insert.setString(17, cut(who.userAgent(), 300));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
