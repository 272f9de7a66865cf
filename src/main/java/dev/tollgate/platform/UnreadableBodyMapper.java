package dev.tollgate.platform;

import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A body that is not the JSON we expect is the client's mistake: 400, never 500. */
@Provider
public class UnreadableBodyMapper implements ExceptionMapper<ProcessingException> {

    @Inject
    CurrentRequest request;

    @Override
    public Response toResponse(ProcessingException e) {
        return ProblemResponses.of(Problem.of(ProblemType.MALFORMED_BODY,
                "The request body is not valid JSON of the expected shape.", request.id()));
    }
}
