package dev.tollgate.credits;

import dev.tollgate.platform.Csv;
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
            return Csv.line(id, kind, amount, requestId, sessionId, userId, model, createdAt);
        }

        static final String CSV_HEADER = "id,kind,amount,request_id,session_id,user_id,model,created_at";
    }
}
