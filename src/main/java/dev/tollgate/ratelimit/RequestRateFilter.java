package dev.tollgate.ratelimit;

import dev.tollgate.auth.Caller;
import dev.tollgate.auth.CurrentCaller;
import dev.tollgate.platform.ProblemException;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

/**
 * Counts every authenticated API request against its user's and company's minute, after the
 * role check (a refused request is not counted). Callers without a user token (the usage
 * webhook) are not counted here.
 */
@Provider
@Priority(Priorities.USER)
public class RequestRateFilter implements ContainerRequestFilter {

    @Inject
    CurrentCaller caller;

    @Inject
    RateLimits rateLimits;

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getSecurityContext().getUserPrincipal() == null
                || (resource.getResourceMethod() != null
                    && resource.getResourceMethod().isAnnotationPresent(CountedWithStream.class))) {
            return;
        }
        Caller who;
        try {
            who = caller.get();
        } catch (ProblemException noCompany) {
            return; // the endpoint refuses it with the reason
        }
        rateLimits.admitRequest(who);
    }
}
