package dev.tollgate.openai;

import dev.tollgate.auth.Caller;
import dev.tollgate.auth.CurrentCaller;
import dev.tollgate.auth.Policies;
import dev.tollgate.catalog.Catalog;
import dev.tollgate.credits.Pricing;
import dev.tollgate.platform.CurrentRequest;
import dev.tollgate.platform.JsonFormat;
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
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /v1}: OpenAI's Chat Completions and model list (docs/openai.md). The same turn as the
 * native front; only the framing, the request's shape and the error shape differ.
 */
@Path("v1")
@RequestScoped
@RolesAllowed("user")
public class OpenAiResource {

    static final String ACTION = "chat.completions";

    @Inject
    CurrentCaller caller;

    @Inject
    CurrentRequest request;

    @Inject
    ChatTurns turns;

    @Inject
    Pricing pricing;

    @Inject
    Catalog catalog;

    /** {@code "stream": true}: chunks as the tokens arrive ({@link StreamChoice} picked this method). */
    @POST
    @CountedWithStream
    @Path("chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(hidden = true)
    public void streamed(JsonObject body, @HeaderParam("X-Session-Id") String sessionId,
                         @HeaderParam("Idempotency-Key") String idempotencyKey,
                         @Context SseEventSink sink, @Context Sse sse, @Context HttpServletResponse response) {
        CompletionRequest asked = CompletionRequest.of(body);
        Completions.Ids ids = Completions.Ids.of(request.id(), Instant.now().getEpochSecond(), asked.model());
        started(asked, sessionId, idempotencyKey).relayTo(new ChunkFrames(new SseOut(sink, sse, response), ids,
                asked.includeUsage()));
    }

    /** The whole {@code chat.completion}, once the answer is complete; the request is suspended meanwhile. */
    @POST
    @CountedWithStream
    @Path("chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public void whole(JsonObject body, @HeaderParam("X-Session-Id") String sessionId,
                      @HeaderParam("Idempotency-Key") String idempotencyKey, @Suspended AsyncResponse async) {
        long start = System.nanoTime();
        CompletionRequest asked = CompletionRequest.of(body);
        String requestId = request.id();
        Completions.Ids ids = Completions.Ids.of(requestId, Instant.now().getEpochSecond(), asked.model());
        WholeAnswer answer = new WholeAnswer();
        started(asked, sessionId, idempotencyKey).relayTo(answer);
        answer.result().whenComplete((outcome, error) -> async.resume(error != null ? error
                : outcome.failure() != null ? ProblemResponses.of(outcome.failure().problem(requestId))
                : Response.ok(Completions.whole(ids, outcome), MediaType.APPLICATION_JSON_TYPE)
                        .header(RequestIds.HEADER, requestId)
                        .header("X-Session-Id", outcome.started().sessionId())
                        .header("openai-processing-ms", (System.nanoTime() - start) / 1_000_000)
                        .build()));
    }

    /** The models the caller may use: those with a price, and of those the ones the caller's key allows. */
    @GET
    @Path("models")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public JsonObject models() {
        JsonArrayBuilder data = JsonFormat.JSON.createArrayBuilder();
        Caller who = caller.get();
        pricing.models().stream().filter(id -> catalog.mayUse(who, id)).forEach(id -> data.add(described(id)));
        return JsonFormat.JSON.createObjectBuilder().add("object", "list").add("data", data).build();
    }

    @GET
    @Path("models/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public JsonObject model(@PathParam("id") String id) {
        String model = pricing.model(id); // a model without a price is refused: OpenAI's model_not_found
        if (!catalog.mayUse(caller.get(), model)) {
            throw Policies.modelRefused(model).exception();
        }
        return described(model);
    }

    private static JsonObject described(String id) {
        return JsonFormat.JSON.createObjectBuilder().add("id", id).add("object", "model").add("created", 0)
                .add("owned_by", "tollgate").build();
    }

    /** The turn once its answer began; a refusal, or a failure before any token, answers with its own status. */
    private Turn started(CompletionRequest asked, String sessionId, String idempotencyKey) {
        return turns.start(caller.get(), asked.ask(session(sessionId)), TurnKey.of(request.id(), idempotencyKey), ACTION)
                .orElseThrow();
    }

    /** The session an {@code X-Session-Id} header continues; none opens a new one. */
    private static UUID session(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(header.trim());
        } catch (IllegalArgumentException e) {
            throw CompletionRequest.invalid("X-Session-Id", "must be a session id (a UUID)");
        }
    }
}
