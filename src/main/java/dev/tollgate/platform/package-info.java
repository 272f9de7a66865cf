/**
 * What every request path shares: request ids, the one problem+json error shape, JSON settings and
 * database migrations at start-up. Nothing here knows about chats, credits or the LLM service.
 */
package dev.tollgate.platform;
