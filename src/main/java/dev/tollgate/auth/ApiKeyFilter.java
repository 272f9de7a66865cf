package dev.tollgate.auth;

import dev.tollgate.platform.CurrentRequest;
import dev.tollgate.platform.ProblemType;
import dev.tollgate.platform.Refusal;
import jakarta.annotation.Priority;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;
import java.security.Principal;
import java.util.Arrays;
import java.util.Set;

/**
 * {@code Authorization: Bearer tg_…}: the request's caller is the key's service user. It runs
 * before Liberty's role check, which then finds the caller here and never asks MP-JWT, so a key
 * is never parsed as a token. Anything else (a JWT, no header) passes untouched to MP-JWT, which
 * stays the only judge of tokens.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class ApiKeyFilter implements ContainerRequestFilter {

    private static final String SCHEME = "Bearer ";

    static final String REFUSED = "A valid API key is required: this one is unknown, revoked or expired.";

    @Inject
    ApiKeys keys;

    @Inject
    CurrentCaller caller;

    @Inject
    CurrentRequest request;

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext context) {
        String presented = keyOf(context.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (presented == null) {
            return;
        }
        ApiKeys.Verdict verdict = keys.verify(presented, request.clientAddress());
        if (verdict instanceof ApiKeys.Blocked blocked) {
            throw Refusal.limited("Too many refused API keys from your address; wait before trying again.",
                    blocked.retryAfter(), blocked.limit()).exception();
        }
        if (!(verdict instanceof ApiKeys.Valid valid)) {
            throw Refusal.of(ProblemType.UNAUTHORIZED, REFUSED).exception();
        }
        if (!allowed(valid.caller().roles())) {
            throw Refusal.of(ProblemType.FORBIDDEN, "The key's roles do not allow this request.").exception();
        }
        caller.signIn(valid.caller());
        context.setSecurityContext(new KeyIdentity(valid.caller(), context.getSecurityContext().isSecure()));
    }

    /**
     * The resource's {@code @RolesAllowed}, decided here: Liberty's check, finding the key's
     * roles short, would try MP-JWT on the key next and answer 401 where 403 is right.
     */
    private boolean allowed(Set<String> roles) {
        Method method = resource.getResourceMethod();
        if (method == null || method.isAnnotationPresent(PermitAll.class)) {
            return true;
        }
        RolesAllowed declared = method.getAnnotation(RolesAllowed.class);
        if (declared == null && !method.isAnnotationPresent(DenyAll.class)) {
            declared = resource.getResourceClass().getAnnotation(RolesAllowed.class);
        }
        return declared == null ? !method.isAnnotationPresent(DenyAll.class)
                : Arrays.stream(declared.value()).anyMatch(roles::contains);
    }

    /** The key in a bearer header, or null when the header holds anything else. */
    static String keyOf(String authorization) {
        if (authorization == null || authorization.length() <= SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        String credential = authorization.substring(SCHEME.length()).trim();
        return credential.startsWith(KeySecrets.START) ? credential : null;
    }

    /** The key's service user as JAX-RS and Liberty's role check see it. */
    record KeyIdentity(Caller caller, boolean secure) implements SecurityContext {

        @Override
        public Principal getUserPrincipal() {
            return caller::userId;
        }

        @Override
        public boolean isUserInRole(String role) {
            return caller.roles().contains(role);
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return "Bearer";
        }
    }
}
