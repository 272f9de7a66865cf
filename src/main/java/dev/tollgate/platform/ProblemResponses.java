package dev.tollgate.platform;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;

/**
 * Builds the HTTP answer for a problem: status, media type, Retry-After where advised; as a
 * JAX-RS response, or written straight to a servlet's response where JAX-RS is not involved.
 */
public final class ProblemResponses {

    private ProblemResponses() {
    }

    public static Response of(Problem problem) {
        Response.ResponseBuilder builder = Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .header(RequestIds.HEADER, problem.requestId())
                .entity(problem);
        if (problem.retryAfterMs() != null) {
            builder.header("Retry-After", Math.max(1, (problem.retryAfterMs() + 999) / 1000));
        }
        return builder.build();
    }

    public static void write(HttpServletResponse response, Problem problem) throws IOException {
        response.setStatus(problem.status());
        response.setContentType(Problem.MEDIA_TYPE);
        response.setHeader(RequestIds.HEADER, problem.requestId());
        if (problem.retryAfterMs() != null) {
            response.setHeader("Retry-After", String.valueOf(Math.max(1, (problem.retryAfterMs() + 999) / 1000)));
        }
        response.getWriter().write(JsonFormat.JSONB.toJson(problem));
    }
}
