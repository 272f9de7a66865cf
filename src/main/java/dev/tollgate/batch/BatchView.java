package dev.tollgate.batch;

import static dev.tollgate.platform.JsonFormat.JSON;

import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A batch as the native front shows it: where it stands, its counts, its credits and its times. */
public record BatchView(UUID id, String status, String model, JsonObject metadata, String webhookUrl,
                        Counts counts, Credits credits, Times times, List<Batches.Delivery> webhooks) {

    /** {@code pending}: waiting or running; {@code unfinished}: cancelled or expired once the batch ended. */
    public record Counts(int total, int completed, int failed, int pending, int unfinished) {
    }

    public record Credits(long held, long captured, long released) {
    }

    public record Times(Instant createdAt, Instant expiresAt, Instant cancelledAt, Instant endedAt,
                        Instant purgeAfter) {
    }

    static BatchView of(Batch b, List<Batches.Delivery> deliveries) {
        int left = b.unfinished();
        return new BatchView(b.id(), b.status(), b.model(), metadata(b), b.webhookUrl(),
                new Counts(b.total(), b.completed(), b.failed(), b.ended() ? 0 : left, b.ended() ? left : 0),
                new Credits(b.held(), b.captured(), b.released()),
                new Times(b.createdAt(), b.expiresAt(), b.cancelledAt(), b.endedAt(), b.purgeAfter()), deliveries);
    }

    static JsonObject metadata(Batch b) {
        return b.metadata() == null ? null : JSON.createReader(new StringReader(b.metadata())).readObject();
    }
}
