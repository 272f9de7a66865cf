package dev.tollgate.session;

import dev.tollgate.auth.Caller;
import dev.tollgate.auth.CurrentCaller;
import dev.tollgate.llm.LlmService;
import dev.tollgate.llm.Message;
import dev.tollgate.platform.CurrentRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** The caller's chat sessions. Someone else's session id answers 404, exactly like a missing one. */
@Path("api/v1/sessions")
@RequestScoped
@RolesAllowed("user")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    public record Created(UUID sessionId, Instant createdAt) {
    }

    public record History(UUID sessionId, List<Message> messages) {
    }

    @Inject
    CurrentCaller caller;

    @Inject
    CurrentRequest request;

    @Inject
    SessionMirror sessions;

    @Inject
    Conversations conversations;

    @Inject
    LlmService llm;

    @POST
    @APIResponse(responseCode = "201", description = "The new session",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Created.class)))
    public Response create() {
        ChatSession session = sessions.open(caller.get(), null, request.id());
        return Response.created(URI.create("/api/v1/sessions/" + session.id()))
                .entity(new Created(session.id(), session.createdAt())).build();
    }

    @GET
    public SessionPage list(@QueryParam("cursor") String cursor,
                            @QueryParam("limit") @DefaultValue("20") @Min(1) @Max(100) int limit) {
        return sessions.page(caller.get(), cursor, limit);
    }

    @GET
    @Path("{id}")
    public SessionView get(@PathParam("id") UUID id) {
        return SessionView.of(sessions.owned(caller.get(), id));
    }

    /**
     * History is asked of its one owner: the seed's LLM service, or Tollgate itself for a session
     * on servers that keep none. Tollgate never rebuilds the service's.
     */
    @GET
    @Path("{id}/messages")
    public History messages(@PathParam("id") UUID id) {
        Caller who = caller.get();
        sessions.owned(who, id);
        return new History(id, conversations.kept(id) ? conversations.of(id, who) : llm.history(id, request.id()));
    }

    @DELETE
    @Path("{id}")
    @APIResponse(responseCode = "204", description = "Deleted upstream and from the mirror")
    public Response delete(@PathParam("id") UUID id) {
        sessions.delete(caller.get(), id, request.id());
        return Response.noContent().build();
    }
}
