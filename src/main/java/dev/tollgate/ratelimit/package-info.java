/**
 * Requests per minute and streams open at once, per user and per company, counted in PostgreSQL
 * so that every server behind the load balancer enforces the same limits.
 */
package dev.tollgate.ratelimit;
