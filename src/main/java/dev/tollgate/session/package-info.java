/**
 * The session mirror: who owns a session and how much it was used. Metadata only: conversation
 * history belongs to the LLM service and is always asked of it, never rebuilt here.
 */
package dev.tollgate.session;
