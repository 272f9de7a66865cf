package dev.tollgate.platform;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

@Provider
public class ProblemExceptionMapper implements ExceptionMapper<ProblemException> {

    @Inject
    CurrentRequest request;

    @Override
    public Response toResponse(ProblemException e) {
        return ProblemResponses.of(e.toProblem(request.id()));
    }
}
