package dev.tollgate.session;

import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/** One page of a caller's sessions, newest first, and the opaque cursor of the next page. */
public record SessionPage(List<SessionView> items, String nextCursor) {

    /** Where a page starts: strictly after this (created_at, id) in newest-first order. */
    record Cursor(Instant createdAt, UUID id) {

        String encode() {
            String raw = createdAt.getEpochSecond() + ":" + createdAt.getNano() + ":" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String token) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
                return new Cursor(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
                        UUID.fromString(parts[2]));
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
                throw new ProblemException(ProblemType.INVALID_CURSOR, "The cursor is not one this API handed out.");
            }
        }
    }
}
