package dev.tollgate.credits;

import java.util.UUID;

/**
 * The hold for one chat turn: the company pays, the user and request are recorded, {@code credits}
 * is the most it may cost. {@code turnId} makes reserve, capture and release idempotent.
 */
public record Charge(UUID turnId, String companyId, String userId, String requestId, UUID sessionId, String model,
                     long credits) {
}
