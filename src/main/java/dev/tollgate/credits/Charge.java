package dev.tollgate.credits;

import java.util.UUID;

/**
 * What one chat turn is billed: the company pays, the user and request are recorded.
 * {@code turnId} makes the debit and its refund idempotent.
 */
public record Charge(UUID turnId, String companyId, String userId, String requestId, UUID sessionId, long credits) {
}
