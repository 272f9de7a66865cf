/**
 * The OpenAI-compatible front, {@code /v1} (docs/openai.md): Chat Completions, streamed as
 * {@code chat.completion.chunk} frames or whole, and the model list, for the SDKs and
 * frameworks that speak OpenAI's API. It runs the same turn as the native front
 * ({@code dev.tollgate.turn}), and answers every error in OpenAI's error shape.
 */
package dev.tollgate.openai;
