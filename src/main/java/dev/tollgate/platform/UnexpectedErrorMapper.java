package dev.tollgate.platform;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Our own bugs: logged with the request id, answered without a stack trace. */
@Provider
public class UnexpectedErrorMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(UnexpectedErrorMapper.class.getName());

    @Inject
    CurrentRequest request;

    @Override
    public Response toResponse(Throwable e) {
        String id = request.id();
        LOG.log(Level.SEVERE, "Unexpected failure in request " + id, e);
        return ProblemResponses.of(Problem.of(ProblemType.INTERNAL_ERROR,
                "Something went wrong on our side. Quote the request id when you report it.", id));
    }
}
