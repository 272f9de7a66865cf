/**
 * Batch jobs (the seed's Option D): many chat requests asked at once, answered in the
 * background. One credit hold for the batch's worst case, its items a queue in PostgreSQL
 * claimed under leases by every server, each answered through the same {@code llm} port as chat
 * within the batches' share of each deployment, and progress told three ways: polling, an event
 * stream, and signed webhooks.
 */
package dev.tollgate.batch;
