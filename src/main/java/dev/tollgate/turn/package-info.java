/**
 * One chat turn, whatever front asked for it: its admission (one statement, one decision), the
 * LLM call through the {@code llm} port, the events it gives its front ({@link
 * dev.tollgate.turn.TurnEvents}) and its settlement (one statement). It knows no wire format: a
 * front frames the events and shapes a refusal.
 */
package dev.tollgate.turn;
