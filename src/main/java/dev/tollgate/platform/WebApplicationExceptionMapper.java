package dev.tollgate.platform;

import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** JAX-RS's own refusals (unknown path, wrong method or media type) in the one error shape. */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    @Inject
    CurrentRequest request;

    @Override
    public Response toResponse(WebApplicationException e) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        String detail = switch (status.getStatusCode()) {
            case 404 -> "There is no resource at this path.";
            case 405 -> "This method is not allowed here.";
            case 406, 415 -> "This media type is not supported here.";
            default -> status.getStatusCode() >= 500 ? "The server could not complete the request." : e.getMessage();
        };
        return ProblemResponses.of(Problem.of(ProblemType.ofStatus(status.getStatusCode()), status.getStatusCode(), detail,
                request.id()));
    }
}
