package dev.tollgate.llm.client;

import dev.tollgate.llm.LlmException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/** Turns the REST client's error statuses into typed failures at the edge. */
public class LlmErrorMapper implements ResponseExceptionMapper<LlmException> {

    @Override
    public LlmException toThrowable(Response response) {
        return UpstreamErrors.fromStatus(response.getStatus(), response.getHeaderString("Retry-After"));
    }

    @Override
    public boolean handles(int status, jakarta.ws.rs.core.MultivaluedMap<String, Object> headers) {
        return status >= 400;
    }
}
