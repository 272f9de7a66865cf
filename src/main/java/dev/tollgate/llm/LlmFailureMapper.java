package dev.tollgate.llm;

import dev.tollgate.platform.CurrentRequest;
import dev.tollgate.platform.Problem;
import dev.tollgate.platform.ProblemResponses;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** An LLM failure before any token reached the client: its own status, retry advice kept. */
@Provider
public class LlmFailureMapper implements ExceptionMapper<LlmException> {

    @Inject
    CurrentRequest request;

    @Override
    public Response toResponse(LlmException e) {
        Problem problem = Problem.of(e.type(), e.getMessage(), request.id());
        return ProblemResponses.of(e.retryAfter() == null ? problem : problem.withRetryAfterMs(e.retryAfter().toMillis()));
    }
}
