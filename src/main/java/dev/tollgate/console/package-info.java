/**
 * The web console: the static page under {@code /console/} with its strict Content-Security-Policy,
 * what the page needs to know to sign in, and the dev-only sign-in that exists only where a dev
 * signing key is configured. The page speaks the public API like any other client; nothing here
 * reads credits, sessions or audit rows itself.
 */
package dev.tollgate.console;
