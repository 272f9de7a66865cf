package dev.tollgate.chat;

import dev.tollgate.auth.CurrentCaller;
import dev.tollgate.llm.LlmException;
import dev.tollgate.llm.LlmFailureMapper;
import dev.tollgate.platform.CurrentRequest;
import dev.tollgate.platform.Problem;
import dev.tollgate.platform.ProblemResponses;
import dev.tollgate.platform.ProblemType;
import dev.tollgate.platform.RequestIds;
import dev.tollgate.ratelimit.CountedWithStream;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.concurrent.CompletionException;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

@Path("v1/chat")
@RequestScoped
@RolesAllowed("user")
public class ChatResource {

    @Inject
    CurrentCaller caller;

    @Inject
    CurrentRequest request;

    @Inject
    ChatTurns turns;

    /** Streams the answer as Server-Sent Events (docs/streaming.md). */
    @POST
    @CountedWithStream
    @Path("stream")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@Valid @NotNull ChatRequest body, @HeaderParam("Idempotency-Key") String idempotencyKey,
                       @Context SseEventSink sink, @Context Sse sse, @Context HttpServletResponse response) {
        turns.stream(caller.get(), body, TurnKey.of(request.id(), idempotencyKey), new SseClient(sink, sse, response));
    }

    /** The whole answer as one JSON document; the request is suspended, not parked, while it streams in. */
    @POST
    @CountedWithStream
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "200", description = "The whole answer, once it is complete",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ChatAnswer.class)))
    public void answer(@Valid @NotNull ChatRequest body, @HeaderParam("Idempotency-Key") String idempotencyKey,
                       @Suspended AsyncResponse async) {
        String requestId = request.id();
        turns.answer(caller.get(), body, TurnKey.of(requestId, idempotencyKey)).whenComplete((answer, error) -> async.resume(error == null
                ? Response.ok(answer)
                        .header(RequestIds.HEADER, requestId)
                        .header("X-Session-Id", answer.sessionId())
                        .header("X-Gateway-Overhead-Ms", answer.gatewayOverheadMs())
                        .build()
                : failed(error, requestId)));
    }

    private static Response failed(Throwable error, String requestId) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof LlmException llmFailure) {
            return LlmFailureMapper.response(llmFailure, requestId);
        }
        return ProblemResponses.of(Problem.of(ProblemType.INTERNAL_ERROR,
                "Something went wrong on our side. Quote the request id when you report it.", requestId));
    }
}
