package dev.tollgate.batch;

import static dev.tollgate.platform.JsonFields.string;
import static dev.tollgate.platform.JsonFormat.JSON;

import dev.tollgate.auth.CurrentCaller;
import dev.tollgate.platform.Csv;
import dev.tollgate.platform.CurrentRequest;
import dev.tollgate.platform.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** {@code /api/v1/batches}: the native front of batch jobs (docs/batches.md). */
@Path("api/v1/batches")
@RequestScoped
@RolesAllowed({"user", "company_admin"})
@Produces(MediaType.APPLICATION_JSON)
public class BatchResource {

    static final String JSONL = "application/jsonl";
    static final String NDJSON = "application/x-ndjson";
    private static final Set<String> FIELDS = Set.of("model", "items", "metadata", "webhook_url", "completion_window");

    @Inject
    CurrentCaller caller;

    @Inject
    CurrentRequest request;

    @Inject
    Batches batches;

    @Inject
    BatchResults results;

    @Inject
    BatchEvents events;

    /** {@code {model, items, metadata?, webhook_url?, completion_window?}}: 202 with the batch and its hold. */
    @POST
    @RolesAllowed("user")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(JsonObject body) {
        for (String field : body.keySet()) {
            if (!FIELDS.contains(field)) {
                throw ProblemException.invalidField(field, "is not a field of a batch");
            }
        }
        if (!(body.get("items") instanceof JsonArray items)) {
            throw ProblemException.invalidField("items", "must be an array of {custom_id, query | messages, max_tokens?}");
        }
        JsonValue metadata = body.get("metadata");
        if (metadata != null && metadata != JsonValue.NULL && !(metadata instanceof JsonObject)) {
            throw ProblemException.invalidField("metadata", "must be an object");
        }
        return created(new BatchAsk(string(body, "model"), NativeItems.of(items),
                metadata instanceof JsonObject object ? object : null, string(body, "webhook_url"),
                string(body, "completion_window"), BatchAsk.Front.NATIVE, null));
    }

    /** The same items as JSONL, one per line; the batch's settings as query parameters. */
    @POST
    @RolesAllowed("user")
    @Consumes({JSONL, NDJSON})
    public Response createFromLines(String body, @QueryParam("model") String model,
                                    @QueryParam("webhook_url") String webhookUrl,
                                    @QueryParam("completion_window") String window) {
        return created(new BatchAsk(model, NativeItems.ofLines(body), null, webhookUrl, window, BatchAsk.Front.NATIVE,
                null));
    }

    private Response created(BatchAsk ask) {
        if (ask.model() == null || ask.model().isBlank()) {
            throw ProblemException.invalidField("model", "is required");
        }
        Batch batch = batches.create(caller.get(), ask, request.id());
        return Response.accepted(BatchView.of(batch, List.of()))
                .location(URI.create("/api/v1/batches/" + batch.id())).build();
    }

    @GET
    public List<BatchView> list(@QueryParam("after") UUID after,
                                @QueryParam("limit") @DefaultValue("20") @Min(1) @Max(100) int limit) {
        return batches.list(caller.get(), BatchAsk.Front.NATIVE, after, limit).stream()
                .map(b -> BatchView.of(b, List.of())).toList();
    }

    @GET
    @Path("{id}")
    public BatchView get(@PathParam("id") UUID id) {
        Batch batch = batches.find(caller.get(), id);
        return BatchView.of(batch, batches.deliveries(batch.id()));
    }

    @POST
    @Path("{id}/cancel")
    public BatchView cancel(@PathParam("id") UUID id) {
        return BatchView.of(batches.cancel(caller.get(), id), List.of());
    }

    /** Every item's result in order, streamed: JSONL, or CSV when asked for ({@code Accept: text/csv}). */
    @GET
    @Path("{id}/results")
    @Produces({JSONL, NDJSON, "text/csv", MediaType.APPLICATION_JSON})
    public Response results(@PathParam("id") UUID id, @HeaderParam("Accept") String accept) {
        Batch batch = batches.find(caller.get(), id);
        BatchResults.kept(batch);
        boolean csv = accept != null && accept.contains("text/csv") && !accept.contains(JSONL);
        StreamingOutput body = out -> {
            if (csv) {
                out.write((Csv.line("custom_id", "status", "content", "finish_reason", "prompt_tokens",
                        "completion_tokens", "credits", "error_code", "error") + "\r\n").getBytes());
            }
            results.write(batch, result -> true, csv ? BatchResource::csvLine : BatchResource::jsonLine, out);
        };
        return Response.ok(body, csv ? "text/csv; charset=utf-8" : JSONL).build();
    }

    /** Progress as it happens; {@code Last-Event-ID} resumes after that event. */
    @GET
    @Path("{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@PathParam("id") UUID id, @HeaderParam("Last-Event-ID") String lastEventId,
                       @Context SseEventSink sink, @Context Sse sse) {
        Batch batch = batches.find(caller.get(), id);
        long after;
        try {
            after = lastEventId == null || lastEventId.isBlank() ? 0 : Long.parseLong(lastEventId.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.invalidField("Last-Event-ID", "must be the id of an event of this stream");
        }
        events.follow(batch.id(), after, sink, sse);
    }

    static String jsonLine(BatchResults.Result result) {
        JsonObjectBuilder line = JSON.createObjectBuilder().add("custom_id", result.customId())
                .add("status", result.status());
        if (result.output() != null) {
            JsonObject output = result.output();
            line.add("content", output.getString("content")).add("finish_reason", output.getString("finish_reason"))
                    .add("usage", JSON.createObjectBuilder().add("prompt_tokens", output.getInt("prompt_tokens"))
                            .add("completion_tokens", output.getInt("completion_tokens")))
                    .add("credits", result.credits());
        } else if (result.errorCode() != null || !"done".equals(result.status())) {
            line.add("error", JSON.createObjectBuilder()
                    .add("code", result.errorCode() != null ? result.errorCode() : "batch_" + result.status())
                    .add("message", result.error() != null ? result.error() : "The item was " + result.status() + "."));
        }
        return line.build() + "\n";
    }

    static String csvLine(BatchResults.Result result) {
        JsonObject output = result.output();
        return Csv.line(result.customId(), result.status(),
                output == null ? null : output.getString("content"),
                output == null ? null : output.getString("finish_reason"),
                output == null ? null : output.getInt("prompt_tokens"),
                output == null ? null : output.getInt("completion_tokens"), result.credits(), result.errorCode(),
                result.error()) + "\r\n";
    }
}
