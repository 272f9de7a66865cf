package dev.tollgate.llm.client;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** Session calls of the LLM service (docs/llm-service-api.md). Statuses become typed exceptions. */
@RegisterRestClient(configKey = "llm")
@RegisterProvider(LlmErrorMapper.class)
@Path("/sessions")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface SessionsClient {

    /** Idempotent: creating the same id twice answers 200 the second time. */
    @PUT
    @Path("/{id}")
    SessionWire.Created create(@PathParam("id") String sessionId, SessionWire.NewSession body,
                               @HeaderParam("X-Request-Id") String requestId);

    @GET
    @Path("/{id}/messages")
    SessionWire.History history(@PathParam("id") String sessionId, @HeaderParam("X-Request-Id") String requestId);

    @DELETE
    @Path("/{id}")
    void delete(@PathParam("id") String sessionId, @HeaderParam("X-Request-Id") String requestId);
}
