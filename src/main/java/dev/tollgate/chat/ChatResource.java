package dev.tollgate.chat;

import dev.tollgate.auth.CurrentCaller;
import dev.tollgate.platform.CurrentRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

@Path("v1/chat")
@RequestScoped
public class ChatResource {

    @Inject
    CurrentCaller caller;

    @Inject
    CurrentRequest request;

    @Inject
    ChatTurns turns;

    /** Streams the answer as Server-Sent Events (docs/streaming.md). */
    @POST
    @Path("stream")
    @RolesAllowed("user")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@Valid @NotNull ChatRequest body, @Context SseEventSink sink, @Context Sse sse,
                       @Context HttpServletResponse response) {
        turns.stream(caller.get(), body, request.id(), new SseClient(sink, sse, response));
    }
}
