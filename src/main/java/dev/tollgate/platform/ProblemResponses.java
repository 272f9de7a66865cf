package dev.tollgate.platform;

import jakarta.ws.rs.core.Response;

/** Builds the HTTP answer for a problem: status, media type, Retry-After where advised. */
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
}
