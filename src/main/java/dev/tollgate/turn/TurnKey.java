package dev.tollgate.turn;

import dev.tollgate.auth.Caller;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Identifies one chat turn for the ledger. With an {@code Idempotency-Key} header a retried
 * request is the same turn (same caller, same key): it is held and captured once, so a client
 * that lost the connection may ask again without paying twice. Without one every request is new.
 */
public record TurnKey(String requestId, String idempotencyKey) {

    public static TurnKey of(String requestId, String idempotencyKey) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200
                || !idempotencyKey.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            throw new ProblemException(ProblemType.INVALID_IDEMPOTENCY_KEY,
                    "Idempotency-Key must be 1 to 200 visible ASCII characters.");
        }
        return new TurnKey(requestId, idempotencyKey);
    }

    UUID turnId(Caller caller) {
        if (idempotencyKey == null) {
            return UUID.randomUUID();
        }
        String scoped = caller.companyId() + '\n' + caller.userId() + '\n' + idempotencyKey;
        return UUID.nameUUIDFromBytes(scoped.getBytes(StandardCharsets.UTF_8));
    }
}
