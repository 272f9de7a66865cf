/**
 * The chat front of {@code /api}: its endpoints, its request and answer bodies, and its
 * Server-Sent Events framer ({@link dev.tollgate.chat.SseFrames}); the one-JSON answer is
 * gathered by {@link dev.tollgate.turn.WholeAnswer}. The turn itself is {@code dev.tollgate.turn}'s.
 */
package dev.tollgate.chat;
