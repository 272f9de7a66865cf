/**
 * The chat front of {@code /api}: its endpoints, its request and answer bodies, and its two
 * framers, Server-Sent Events ({@link dev.tollgate.chat.SseFrames}) and one JSON answer ({@link
 * dev.tollgate.chat.JsonAnswer}). The turn itself is {@code dev.tollgate.turn}'s.
 */
package dev.tollgate.chat;
