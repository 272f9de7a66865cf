package dev.tollgate.audit;

import dev.tollgate.platform.JsonFormat;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/**
 * Inserts audit rows, many at once in one statement, in the caller's transaction or a new one.
 * An entry becomes a row in one place, {@link #row}: the JSON that the database function
 * {@code tollgate_insert_audit} (db/R__audit_rows.sql) reads as {@code audit_event} rows, here and in the
 * function that ends a chat turn.
 */
@ApplicationScoped
public class AuditRows {

    /** An entry and the moment it happened (taken when it was announced, not when it is written). */
    record Timed(AuditEntry entry, Instant at) {
    }

    @PersistenceContext(unitName = "tollgate")
    EntityManager em;

    @Transactional
    public void insert(List<Timed> rows) {
        JsonArrayBuilder all = JsonFormat.JSON.createArrayBuilder();
        rows.forEach(row -> all.add(row(row.entry(), row.at())));
        em.createNativeQuery("select tollgate_insert_audit(cast(?1 as jsonb))")
                .setParameter(1, all.build().toString())
                .getResultList();
    }

    /** The entry as an {@code audit_event} row that happened at {@code at}, column by column. */
    public static JsonObject row(AuditEntry e, Instant at) {
        AuditEntry.Who who = e.who();
        JsonObjectBuilder row = JsonFormat.JSON.createObjectBuilder()
                .add("occurred_at", at.toString())
                .add("action", e.action())
                .add("outcome", e.outcome());
        put(row, "company_id", who.companyId());
        put(row, "user_id", who.userId());
        put(row, "roles", cut(who.roles(), 255));
        put(row, "target", cut(e.target(), 300));
        put(row, "request_id", e.requestId());
        put(row, "session_id", e.sessionId() == null ? null : e.sessionId().toString());
        put(row, "model", e.model());
        put(row, "client_address", cut(who.clientAddress(), 64));
        put(row, "user_agent", cut(who.userAgent(), 300));
        put(row, "prompt_tokens", e.promptTokens());
        put(row, "completion_tokens", e.completionTokens());
        put(row, "credits", e.credits());
        put(row, "latency_ms", e.latencyMs());
        put(row, "ttft_ms", e.ttftMs());
        return row.build();
    }

    private static void put(JsonObjectBuilder row, String column, String value) {
        if (value != null) {
            row.add(column, value);
        }
    }

    private static void put(JsonObjectBuilder row, String column, Number value) {
        if (value != null) {
            row.add(column, value.longValue());
        }
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
