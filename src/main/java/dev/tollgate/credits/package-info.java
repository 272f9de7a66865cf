/**
 * The credit ledger. Every movement of credits is an append-only, idempotent ledger entry, and a
 * company's balance only changes through a conditional update in the same transaction, so
 * concurrent requests cannot overspend. Nothing here calls the LLM service.
 */
package dev.tollgate.credits;
