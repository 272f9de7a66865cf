/**
 * The public chat endpoints and the use case that runs one chat turn end to end: session,
 * credits, the LLM call, the relay, and what is recorded afterwards. Resources stay thin;
 * transactions live in the services they call.
 */
package dev.tollgate.chat;
