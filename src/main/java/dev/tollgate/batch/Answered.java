package dev.tollgate.batch;

/**
 * An item's answer, whole: its output sealed under {@code keyId}, the tokens it used and what it
 * costs (at most the item's share of the hold), and the deployments it went to.
 */
record Answered(String keyId, byte[] output, int promptTokens, int completionTokens, long credits, String route) {
}
