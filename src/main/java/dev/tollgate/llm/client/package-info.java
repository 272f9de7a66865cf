/**
 * The wire edge to the LLM service: the MicroProfile REST client for session calls, a non-blocking
 * Jetty HTTP client for token streams, their wire records, and the translation of HTTP statuses into
 * typed {@link dev.tollgate.llm.LlmException}s. Package-private except for what llm needs.
 */
package dev.tollgate.llm.client;
