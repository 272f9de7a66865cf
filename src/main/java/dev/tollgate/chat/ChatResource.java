package dev.tollgate.chat;

import dev.tollgate.auth.CurrentCaller;
import dev.tollgate.platform.CurrentRequest;
import dev.tollgate.platform.ProblemResponses;
import dev.tollgate.platform.RequestIds;
import dev.tollgate.platform.SseOut;
import dev.tollgate.ratelimit.CountedWithStream;
import dev.tollgate.turn.ChatTurns;
import dev.tollgate.turn.Turn;
import dev.tollgate.turn.TurnKey;
import dev.tollgate.turn.WholeAnswer;
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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

@Path("api/v1/chat")
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
        started(body, idempotencyKey, "chat.stream").relayTo(new SseFrames(new SseOut(sink, sse, response)));
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
        WholeAnswer answer = new WholeAnswer();
        started(body, idempotencyKey, "chat.answer").relayTo(answer);
        answer.result().whenComplete((outcome, error) -> async.resume(error != null ? error
                : outcome.failure() != null ? ProblemResponses.of(outcome.failure().problem(requestId))
                : Response.ok(ChatAnswer.of(outcome))
                        .header(RequestIds.HEADER, requestId)
                        .header("X-Session-Id", outcome.started().sessionId())
                        .header("X-Gateway-Overhead-Ms", outcome.finished().gatewayOverheadMs())
                        .header("Server-Timing", outcome.started().serverTiming())
                        .build()));
    }

    /** The turn once its answer began; a refusal, or a failure before any token, is this front's problem+json. */
    private Turn started(ChatRequest body, String idempotencyKey, String action) {
        return turns.start(caller.get(), body.ask(), TurnKey.of(request.id(), idempotencyKey), action).orElseThrow();
    }
}
