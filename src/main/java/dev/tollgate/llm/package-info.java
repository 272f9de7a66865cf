/**
 * The LLM service, in Tollgate's own vocabulary: prompts, token streams, usage and typed failures.
 * Wire formats and HTTP clients live in {@code client} and are translated at that edge; nothing
 * outside this package sees them. Billing never enters here: the LLM service only runs inference.
 */
package dev.tollgate.llm;
