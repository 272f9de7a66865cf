/**
 * Relaying an answer to the client's SSE connection: event framing, ordering, and what happens
 * when either side goes away. It knows nothing of credits or sessions; the chat use case listens.
 */
package dev.tollgate.streaming;
