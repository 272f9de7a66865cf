package dev.tollgate.ratelimit;

import dev.tollgate.auth.Policies;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** A company's rate limits: what applies, and a billing admin's override of the defaults. */
@Path("api/v1/admin/rate-limits/{companyId}")
@RequestScoped
@RolesAllowed(Policies.BILLING_ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class RateLimitsResource {

    /** Null: the configured default. */
    public record Override(@Min(0) @Max(1_000_000) Integer companyRequestsPerMinute,
                           @Min(0) @Max(1_000_000) Integer companyMaxStreams,
                           @Min(0) @Max(1_000_000) Integer userRequestsPerMinute,
                           @Min(0) @Max(1_000_000) Integer userMaxStreams) {
    }

    @Inject
    CompanyLimits limits;

    @GET
    public Limits get(@PathParam("companyId") @Size(min = 1, max = 255) String companyId) {
        return limits.of(companyId);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Limits set(@PathParam("companyId") @Size(min = 1, max = 255) String companyId, @Valid @NotNull Override body) {
        limits.set(companyId, body.companyRequestsPerMinute(), body.companyMaxStreams(), body.userRequestsPerMinute(),
                body.userMaxStreams());
        return limits.of(companyId);
    }
}
