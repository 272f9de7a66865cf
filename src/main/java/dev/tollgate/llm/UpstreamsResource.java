package dev.tollgate.llm;

import dev.tollgate.auth.Policies;
import dev.tollgate.catalog.Catalog;
import dev.tollgate.catalog.Deployment;
import dev.tollgate.catalog.Model;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The operators' view of the catalog's servers, as this server sees them: each deployment's
 * circuit, cool-down, open streams, recent failures and time to first token. The same numbers are
 * application metrics ({@code tollgate_upstream_*}). Never a key: only where each server is.
 */
@Path("api/v1/admin/upstreams")
@RequestScoped
@RolesAllowed(Policies.OPERATOR)
@Produces(MediaType.APPLICATION_JSON)
public class UpstreamsResource {

    /** One deployment: {@code state} is closed, open, half_open or cooling_down. */
    public record Upstream(String model, String kind, String url, String upstreamModel, int weight,
                           Integer maxConcurrent, String state, int openStreams, float failureRate,
                           List<String> recentErrors, Long lastFirstTokenMs) {
    }

    @Inject
    Catalog catalog;

    @Inject
    Routes routes;

    @GET
    public List<Upstream> list() {
        List<Upstream> upstreams = new ArrayList<>();
        for (Model model : catalog.current().byName().values()) {
            for (Deployment deployment : model.deployments()) {
                Routes.Route route = routes.route(deployment);
                String state = route.coolingDown() ? "cooling_down" : route.state().name().toLowerCase(Locale.ROOT);
                upstreams.add(new Upstream(model.name(), deployment.kind().name().toLowerCase(Locale.ROOT),
                        deployment.url(), deployment.model(), deployment.weight(), deployment.maxConcurrent(), state,
                        route.openStreams(), Math.max(0, route.failureRate()), route.recentErrors(),
                        route.lastFirstTokenMs() < 0 ? null : route.lastFirstTokenMs()));
            }
        }
        return upstreams;
    }
}
