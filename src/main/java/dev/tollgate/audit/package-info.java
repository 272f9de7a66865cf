/**
 * Audit events: who used what, when, at what cost and with what outcome. Never prompt or
 * completion text. Recorded by observing what happened elsewhere, not by being called from it.
 */
package dev.tollgate.audit;
