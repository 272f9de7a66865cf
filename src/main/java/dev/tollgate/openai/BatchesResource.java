package dev.tollgate.openai;

import static dev.tollgate.platform.JsonFields.string;
import static dev.tollgate.platform.JsonFormat.JSON;

import dev.tollgate.auth.CurrentCaller;
import dev.tollgate.batch.Batch;
import dev.tollgate.batch.BatchAsk;
import dev.tollgate.batch.BatchFiles;
import dev.tollgate.batch.Batches;
import dev.tollgate.platform.CurrentRequest;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** {@code /v1/batches}: OpenAI's Batch API over Tollgate's batches (docs/batches.md). */
@Path("v1/batches")
@RequestScoped
@RolesAllowed({"user", "company_admin"})
@Produces(MediaType.APPLICATION_JSON)
public class BatchesResource {

    @Inject
    CurrentCaller caller;

    @Inject
    CurrentRequest request;

    @Inject
    Batches batches;

    @Inject
    BatchFiles files;

    @POST
    @RolesAllowed("user")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a batch from an uploaded file (OpenAI's Batch API)")
    public JsonObject create(JsonObject body) {
        String fileId = string(body, "input_file_id");
        if (fileId == null) {
            throw ProblemException.invalidField("input_file_id", "is required");
        }
        String endpoint = string(body, "endpoint");
        if (!BatchLines.ENDPOINT.equals(endpoint)) {
            throw ProblemException.invalidField("endpoint", "must be \"" + BatchLines.ENDPOINT + "\"");
        }
        JsonValue metadata = body.get("metadata");
        if (metadata != null && metadata != JsonValue.NULL && !(metadata instanceof JsonObject)) {
            throw ProblemException.invalidField("metadata", "must be an object");
        }
        BatchLines lines = BatchLines.of(files.content(caller.get(), fileId));
        Batch batch = batches.create(caller.get(), new BatchAsk(lines.model(), lines.items(),
                metadata instanceof JsonObject object ? object : null, null, string(body, "completion_window"),
                BatchAsk.Front.OPENAI, fileId), request.id());
        return BatchObjects.batch(batch);
    }

    @GET
    public JsonObject list(@QueryParam("after") String after, @QueryParam("limit") @DefaultValue("20") int limit) {
        if (limit < 1 || limit > 100) {
            throw ProblemException.invalidField("limit", "must be from 1 to 100");
        }
        UUID from = after == null ? null : batchId(after);
        List<Batch> page = batches.list(caller.get(), BatchAsk.Front.OPENAI, from, limit + 1);
        JsonArrayBuilder data = JSON.createArrayBuilder();
        page.stream().limit(limit).forEach(b -> data.add(BatchObjects.batch(b)));
        var list = JSON.createObjectBuilder().add("object", "list").add("data", data)
                .add("has_more", page.size() > limit);
        if (page.isEmpty()) {
            list.addNull("first_id").addNull("last_id");
        } else {
            list.add("first_id", BatchObjects.id(page.get(0).id()))
                    .add("last_id", BatchObjects.id(page.get(Math.min(limit, page.size()) - 1).id()));
        }
        return list.build();
    }

    @GET
    @Path("{id}")
    public JsonObject get(@PathParam("id") String id) {
        return BatchObjects.batch(batches.find(caller.get(), batchId(id)));
    }

    @POST
    @Path("{id}/cancel")
    public JsonObject cancel(@PathParam("id") String id) {
        return BatchObjects.batch(batches.cancel(caller.get(), batchId(id)));
    }

    private static UUID batchId(String id) {
        UUID batchId = BatchObjects.batchOf(id, "batch_");
        if (batchId == null) {
            throw new ProblemException(ProblemType.NOT_FOUND, "No batch " + id + ".");
        }
        return batchId;
    }
}
