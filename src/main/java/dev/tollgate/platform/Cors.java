package dev.tollgate.platform;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Cross-origin access for the configured frontends only ({@code tollgate.cors.origins}, exact
 * origins, none by default). Preflights from them are answered here, before authentication (a
 * browser sends no token with them); a preflight from any other origin is refused with 403.
 */
@WebFilter(urlPatterns = {"/api/*", "/v1/*"}, asyncSupported = true)
public class Cors extends HttpFilter {

    static final String ALLOWED_HEADERS = "Authorization, Content-Type, Accept, Idempotency-Key, X-Request-Id, Last-Event-ID";
    static final String EXPOSED_HEADERS = "X-Request-Id, X-Session-Id, X-Gateway-Overhead-Ms, Server-Timing, Retry-After, Location";

    @Inject
    @ConfigProperty(name = "tollgate.cors.origins")
    Optional<String> configuredOrigins;

    private Set<String> origins = Set.of();

    @Override
    public void init() {
        origins = configuredOrigins.map(list -> Arrays.stream(list.split(",")).map(String::trim)
                .filter(origin -> !origin.isEmpty()).collect(Collectors.toSet())).orElse(Set.of());
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        boolean preflight = "OPTIONS".equals(request.getMethod())
                && request.getHeader("Access-Control-Request-Method") != null;
        if (origin == null) {
            chain.doFilter(request, response);
            return;
        }
        boolean allowed = origins.contains(origin);
        response.addHeader("Vary", "Origin");
        if (allowed) {
            response.setHeader("Access-Control-Allow-Origin", origin);
            response.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
        }
        if (!preflight) {
            chain.doFilter(request, response);
        } else if (allowed) {
            response.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE");
            response.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
            response.setHeader("Access-Control-Max-Age", "600");
            response.setStatus(204);
        } else {
            String requestId = RequestIds.keepOrCreate(request.getHeader(RequestIds.HEADER));
            ProblemResponses.write(response, Problem.of(ProblemType.ORIGIN_NOT_ALLOWED,
                    "Cross-origin requests are accepted from the configured frontends only.", requestId));
        }
    }
}
