/**
 * The credit ledger. Every movement of credits is an append-only, idempotent ledger entry, and a
 * company's balance only changes through a conditional update in the same transaction, so
 * concurrent requests cannot overspend. Only reconciliation asks the LLM service anything: its usage
 * report, through the llm port.
 */
package dev.tollgate.credits;
