package dev.tollgate.session;

import dev.tollgate.auth.CurrentCaller;
import dev.tollgate.auth.Policies;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** A company admin's view of the company's sessions: metadata only, conversations stay private. */
@Path("api/v1/admin/sessions")
@RequestScoped
@RolesAllowed(Policies.COMPANY_ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class CompanySessionsResource {

    @Inject
    CurrentCaller caller;

    @Inject
    SessionMirror sessions;

    @GET
    public SessionPage list(@QueryParam("cursor") String cursor,
                            @QueryParam("limit") @DefaultValue("20") @Min(1) @Max(100) int limit) {
        return sessions.companyPage(caller.get(), cursor, limit);
    }
}
