package dev.tollgate.platform;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;

/**
 * Refusals that bypass exception mappers (the container's JWT check aborts with a bare 401)
 * still leave in the one error shape: an empty error answer gets a problem+json body.
 */
@Provider
@Priority(Priorities.USER)
public class EmptyErrorFilter implements ContainerResponseFilter {

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        int status = response.getStatus();
        if (status < 400 || response.hasEntity()) {
            return;
        }
        Object id = request.getProperty(RequestIds.ATTRIBUTE);
        String requestId = id != null ? id.toString() : RequestIds.keepOrCreate(null);
        Problem problem = Problem.of(ProblemType.ofStatus(status), status, detail(status), requestId);
        response.setEntity(problem, null, MediaType.valueOf(Problem.MEDIA_TYPE));
    }

    private static String detail(int status) {
        return switch (status) {
            case 401 -> "A valid bearer token is required: it is missing, expired, or not signed by a trusted issuer.";
            case 403 -> "The token does not allow this request.";
            default -> "The request was refused.";
        };
    }
}
