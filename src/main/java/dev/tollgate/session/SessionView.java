package dev.tollgate.session;

import java.time.Instant;
import java.util.UUID;

/** A session's mirror metadata as clients see it. */
public record SessionView(UUID sessionId, String userId, String companyId, Instant createdAt, Instant lastActivityAt,
                          int messageCount, long creditsUsed) {

    static SessionView of(ChatSession s) {
        return new SessionView(s.id(), s.userId(), s.companyId(), s.createdAt(), s.lastActivityAt(),
                s.messageCount(), s.creditsUsed());
    }
}
