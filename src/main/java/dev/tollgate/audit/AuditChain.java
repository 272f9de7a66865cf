package dev.tollgate.audit;

import dev.tollgate.platform.Hashes;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The hash of a sealed row: SHA-256 over its canonical content, which ends with the previous
 * row's hash. Each field is written as its length, a colon and its characters (null as "-"), so
 * no value can be shifted into its neighbour. The chain of a company starts from 64 zeros.
 */
public final class AuditChain {

    public static final String GENESIS = "0".repeat(64);

    /** Columns in the order they are hashed; a query reading rows to hash selects these. */
    static final String COLUMNS = "id, occurred_at, company_id, user_id, roles, action, target, request_id, session_id, "
            + "model, prompt_tokens, completion_tokens, credits, outcome, latency_ms, ttft_ms, client_address, user_agent";

    private AuditChain() {
    }

    /** Hashes the row at the result set's cursor (selected with {@link #COLUMNS}) at this place of the chain. */
    static String hash(ResultSet row, long seq, String previousHash) throws SQLException {
        List<String> fields = new ArrayList<>();
        fields.add(row.getTimestamp("occurred_at").toInstant().truncatedTo(ChronoUnit.MICROS).toString());
        for (String column : new String[] {"company_id", "user_id", "roles", "action", "target", "request_id",
                "session_id", "model", "prompt_tokens", "completion_tokens", "credits", "outcome", "latency_ms",
                "ttft_ms", "client_address", "user_agent"}) {
            fields.add(row.getString(column));
        }
        return hash(fields, seq, previousHash);
    }

    /** SHA-256 of the place in the chain, the fields in order, and the previous row's hash. */
    static String hash(List<String> fields, long seq, String previousHash) {
        StringBuilder canonical = new StringBuilder();
        field(canonical, Long.toString(seq));
        fields.forEach(value -> field(canonical, value));
        field(canonical, previousHash);
        return Hashes.sha256(canonical.toString());
    }

    private static void field(StringBuilder out, String value) {
        if (value == null) {
            out.append('-');
        } else {
            out.append(value.length()).append(':').append(value);
        }
        out.append('|');
    }
}
