package dev.tollgate.audit;

import dev.tollgate.auth.ApiKeys;
import dev.tollgate.auth.Caller;
import dev.tollgate.auth.CurrentCaller;
import dev.tollgate.platform.RequestIds;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.security.Principal;
import java.util.Set;

/**
 * Every refused API request is audited: no valid token (401), not allowed (403), someone else's
 * or a missing resource (404, the two look alike on purpose), no credits (402), over a limit
 * (429). The outcome is the status; who it was is recorded as far as the token says, and the key
 * with the target when the caller used an API key (a key that opens nothing is audited where it
 * is refused, {@link ApiKeys}).
 */
@Provider
public class DeniedRequests implements ContainerResponseFilter {

    static final Set<Integer> DENIALS = Set.of(401, 402, 403, 404, 429);

    @Inject
    CurrentCaller caller;

    @Inject
    Event<AuditEntry> audit;

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!DENIALS.contains(response.getStatus())) {
            return;
        }
        String companyId = null;
        String userId = null;
        String target = null;
        Principal principal = request.getSecurityContext().getUserPrincipal();
        if (principal != null) {
            userId = principal.getName();
            try {
                Caller who = caller.get();
                companyId = who.companyId();
                userId = who.userId();
                if (who.keyId() != null) {
                    target = ApiKeys.target(who.keyId()) + " " + request.getMethod() + " /" + request.getUriInfo().getPath();
                }
            } catch (RuntimeException noCompany) {
                // a token without a company: the user is known, the company is not
            }
        }
        Object requestId = request.getProperty(RequestIds.ATTRIBUTE);
        audit.fire(AuditEntry.of("request.denied", AuditEntry.Who.of(companyId, userId),
                requestId == null ? null : requestId.toString(), null, Integer.toString(response.getStatus()))
                .withTarget(target));
    }
}
