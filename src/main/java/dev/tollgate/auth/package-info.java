/**
 * Who is calling: the subject, company and roles of the verified MicroProfile JWT, or the service
 * user of an API key. Tokens are verified by the container (mpJwt) alone; keys here, and a key is
 * never handed to the JWT check. Policies answer who may see what.
 */
package dev.tollgate.auth;
