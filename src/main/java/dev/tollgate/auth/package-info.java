/**
 * Who is calling: the subject, company and roles taken from the verified MicroProfile JWT.
 * Verification itself is the container's (mpJwt); this package only reads what it verified.
 */
package dev.tollgate.auth;
