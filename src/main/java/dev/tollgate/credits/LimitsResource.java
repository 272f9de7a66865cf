package dev.tollgate.credits;

import dev.tollgate.auth.CurrentCaller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
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
import java.util.List;

/** Spending limits of a company's users, set by that company's admins. */
@Path("api/v1/admin/credits/limits")
@RequestScoped
@RolesAllowed({"company_admin", "billing_admin"})
@Produces(MediaType.APPLICATION_JSON)
public class LimitsResource {

    /** Credits per UTC day and per UTC month; null or absent means no limit for that period. */
    public record Limits(@Min(0) Long dailyCredits, @Min(0) Long monthlyCredits) {
    }

    public record UserLimits(String companyId, String userId, Long dailyCredits, Long monthlyCredits) {
    }

    @Inject
    CurrentCaller caller;

    @Inject
    SpendingLimits spending;

    /** The company's users that have limits (at most a thousand), by user id. */
    @GET
    public List<UserLimits> list() {
        String company = caller.get().companyId();
        return spending.limitsOf(company).stream()
                .map(l -> new UserLimits(company, l.userId(), l.dailyCredits(), l.monthlyCredits())).toList();
    }

    @PUT
    @Path("{userId}")
    @Consumes(MediaType.APPLICATION_JSON)
    public UserLimits set(@PathParam("userId") @Size(min = 1, max = 255) String userId, @Valid @NotNull Limits limits) {
        String company = caller.get().companyId();
        spending.setLimits(company, userId, limits.dailyCredits(), limits.monthlyCredits());
        return new UserLimits(company, userId, limits.dailyCredits(), limits.monthlyCredits());
    }
}
