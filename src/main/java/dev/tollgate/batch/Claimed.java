package dev.tollgate.batch;

import java.util.UUID;

/**
 * An item a worker of this server has claimed: its batch's model, payer and hold, its try
 * ({@code attempt}, which fences what it writes: a try whose lease was taken over writes nothing),
 * its request id for this try, and its sealed input.
 */
record Claimed(UUID batchId, int idx, String customId, int attempt, String requestId, long maxCredits, String model,
               String companyId, String userId, UUID holdId, String keyId, byte[] input) {

    /** What the sealed input and output of this item are bound to. */
    String context(String part) {
        return context(batchId, idx, part);
    }

    /** What the sealed {@code part} ({@code in} or {@code out}) of item {@code idx} is bound to. */
    static String context(UUID batchId, int idx, String part) {
        return "batch:" + batchId + "#" + idx + ":" + part;
    }
}
