package dev.tollgate.openai;

import dev.tollgate.platform.JsonFormat;
import dev.tollgate.platform.Problem;
import dev.tollgate.platform.ProblemType;
import jakarta.annotation.Priority;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;

/**
 * On {@code /v1}, every error leaves in OpenAI's shape, {@code {"error": {message, type, param,
 * code}}}, with the status the SDKs map to their exception classes: the problem any mapper or
 * filter made (the JWT check's 401 included) is rewritten here, once. An answer no retry can fix
 * says so ({@code x-should-retry: false}), since the SDKs retry 409 and 5xx on their own.
 */
@Provider
@Priority(Priorities.USER - 100) // after EmptyErrorFilter has given bare refusals their problem
public class OpenAiErrors implements ContainerResponseFilter {

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(response.getEntity() instanceof Problem problem) || !onThisFront(request)) {
            return;
        }
        ProblemType type = ProblemType.ofUri(problem.type());
        int status = type == ProblemType.UNPRICED_MODEL ? 404 : response.getStatus();
        response.setStatus(status);
        response.setEntity(error(problem, type, status), null, MediaType.APPLICATION_JSON_TYPE);
        if (problem.retryAfterMs() != null) {
            response.getHeaders().putSingle("retry-after-ms", problem.retryAfterMs());
        }
        if (problem.limit() != null) {
            // OpenAI's names for the count that ran out; a refusal by count means none remain
            response.getHeaders().putSingle("x-ratelimit-limit-requests", problem.limit());
            response.getHeaders().putSingle("x-ratelimit-remaining-requests", 0);
            if (problem.retryAfterMs() != null) {
                response.getHeaders().putSingle("x-ratelimit-reset-requests", (problem.retryAfterMs() + 999) / 1000 + "s");
            }
        }
        if (status == 402 || type == ProblemType.IDEMPOTENCY_KEY_SPENT) {
            response.getHeaders().putSingle("x-should-retry", "false");
        }
    }

    /** Whether the request is to {@code /v1}. */
    static boolean onThisFront(ContainerRequestContext request) {
        String path = path(request);
        return path.startsWith("v1/") || path.equals("v1");
    }

    /** The request's path below the application, without the leading slash some containers give it. */
    static String path(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        return path.startsWith("/") ? path.substring(1) : path;
    }

    static JsonObject error(Problem problem, ProblemType type, int status) {
        JsonObjectBuilder error = JsonFormat.JSON.createObjectBuilder()
                .add("message", problem.detail() == null ? type.title() : problem.detail())
                .add("type", kind(status))
                .add("code", type == ProblemType.UNPRICED_MODEL ? "model_not_found" : type.code());
        if (problem.errors() != null && !problem.errors().isEmpty()) {
            error.add("param", problem.errors().get(0).field());
        } else {
            error.addNull("param");
        }
        if (problem.balance() != null) {
            error.add("balance", problem.balance()).add("required", problem.required());
        }
        error.add("request_id", problem.requestId());
        return JsonFormat.JSON.createObjectBuilder().add("error", error).build();
    }

    /** OpenAI's error {@code type} for a status. */
    private static String kind(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 402 -> "insufficient_credits";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }
}
