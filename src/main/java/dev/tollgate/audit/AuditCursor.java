package dev.tollgate.audit;

import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** Where a page of events ended: the last row's time and id, opaque to clients. */
public record AuditCursor(Instant occurredAt, long id) {

    String encode() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                (occurredAt.getEpochSecond() + ":" + occurredAt.getNano() + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    static AuditCursor decode(String token) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
            return new AuditCursor(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
                    Long.parseLong(parts[2]));
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw new ProblemException(ProblemType.INVALID_CURSOR, "The cursor is not one this API handed out.");
        }
    }
}
