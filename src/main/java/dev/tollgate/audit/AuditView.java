package dev.tollgate.audit;

import dev.tollgate.platform.Csv;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/** An audit row as auditors read it, in JSON or as a CSV line. */
public record AuditView(long id, Instant occurredAt, String companyId, String userId, String roles, String action,
                        String target, String requestId, UUID sessionId, String model, Integer promptTokens,
                        Integer completionTokens, Long credits, String outcome, Long latencyMs, Long ttftMs,
                        String clientAddress, String userAgent, Long chainSeq, String hash) {

    static final String CSV_HEADER = "id,occurred_at,company_id,user_id,roles,action,target,request_id,session_id,model,"
            + "prompt_tokens,completion_tokens,credits,outcome,latency_ms,ttft_ms,client_address,user_agent,chain_seq,hash";

    static AuditView of(ResultSet row) throws SQLException {
        return new AuditView(row.getLong("id"), row.getTimestamp("occurred_at").toInstant(), row.getString("company_id"),
                row.getString("user_id"), row.getString("roles"), row.getString("action"), row.getString("target"),
                row.getString("request_id"), (UUID) row.getObject("session_id"), row.getString("model"),
                (Integer) row.getObject("prompt_tokens"), (Integer) row.getObject("completion_tokens"),
                (Long) row.getObject("credits"), row.getString("outcome"), (Long) row.getObject("latency_ms"),
                (Long) row.getObject("ttft_ms"), row.getString("client_address"), row.getString("user_agent"),
                (Long) row.getObject("chain_seq"), row.getString("hash"));
    }

    String csv() {
        return Csv.line(id, occurredAt, companyId, userId, roles, action, target, requestId, sessionId, model,
                promptTokens, completionTokens, credits, outcome, latencyMs, ttftMs, clientAddress, userAgent, chainSeq, hash);
    }
}
