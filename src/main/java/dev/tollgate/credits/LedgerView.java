package dev.tollgate.credits;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Ledger entries as clients see them, a page at a time. */
public record LedgerView(List<Entry> items, String nextCursor) {

    public record Entry(long id, String kind, long amount, String requestId, UUID sessionId, String userId,
                        String model, Instant createdAt) {

        static Entry of(LedgerEntry e) {
            return new Entry(e.id(), e.kind().name(), e.amount(), e.requestId(), e.sessionId(), e.userId(), e.model(),
                    e.createdAt());
        }

        /** One CSV line; text fields quoted where they need it. */
        String csv() {
            return String.join(",", String.valueOf(id), kind, String.valueOf(amount), quoted(requestId),
                    sessionId == null ? "" : sessionId.toString(), quoted(userId), quoted(model), createdAt.toString());
        }

        static final String CSV_HEADER = "id,kind,amount,request_id,session_id,user_id,model,created_at";

        private static String quoted(String value) {
            if (value == null) {
                return "";
            }
            boolean needs = value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r");
            return needs ? '"' + value.replace("\"", "\"\"") + '"' : value;
        }
    }
}
