/**
 * Option B: the frontend calls the LLM service directly with a short-lived token Tollgate signs
 * (scoped to one session, user, company and token budget), verified by the LLM service against
 * Tollgate's published keys; usage comes back through the usage webhook.
 */
package dev.tollgate.direct;
