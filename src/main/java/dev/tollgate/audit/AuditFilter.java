package dev.tollgate.audit;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Which of a company's events an auditor asks for; turns itself into a WHERE clause and its values. */
public record AuditFilter(String companyId, Instant from, Instant to, String userId, String action, String outcome,
                          UUID sessionId) {

    String where(List<Object> values) {
        StringBuilder sql = new StringBuilder("company_id = ? and occurred_at >= ? and occurred_at < ?");
        values.add(companyId);
        values.add(java.sql.Timestamp.from(from));
        values.add(java.sql.Timestamp.from(to));
        add(sql, values, "user_id", userId);
        add(sql, values, "action", action);
        add(sql, values, "outcome", outcome);
        add(sql, values, "session_id", sessionId);
        return sql.toString();
    }

    private static void add(StringBuilder sql, List<Object> values, String column, Object value) {
        if (value != null) {
            sql.append(" and ").append(column).append(" = ?");
            values.add(value);
        }
    }
}
