package dev.tollgate.openai;

import dev.tollgate.auth.CurrentCaller;
import dev.tollgate.batch.Batch;
import dev.tollgate.batch.BatchFiles;
import dev.tollgate.batch.BatchResults;
import dev.tollgate.batch.Batches;
import dev.tollgate.platform.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.EntityPart;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /v1/files}, as far as batches need it: an input file uploaded ({@code purpose=batch},
 * its lines checked at once), read back, deleted; and a batch's output and error files, written
 * from its items when read.
 */
@Path("v1/files")
@RequestScoped
@RolesAllowed("user")
@Produces(MediaType.APPLICATION_JSON)
public class FilesResource {

    /** What OpenAI's SDKs accept for a file's content. */
    static final String BINARY = "application/binary";

    @Inject
    CurrentCaller caller;

    @Inject
    BatchFiles files;

    @Inject
    Batches batches;

    @Inject
    BatchResults results;

    @Inject
    @ConfigProperty(name = "tollgate.batch.max-file-bytes")
    int maxFileBytes;

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Upload a batch input file (OpenAI's Files API, purpose batch)")
    public JsonObject upload(List<EntityPart> parts) throws IOException {
        EntityPart file = null;
        String purpose = null;
        for (EntityPart part : parts) {
            if ("file".equals(part.getName())) {
                file = part;
            } else if ("purpose".equals(part.getName())) {
                purpose = part.getContent(String.class);
            }
        }
        if (!"batch".equals(purpose)) {
            throw ProblemException.invalidField("purpose", "must be \"batch\": this server keeps batch input files only");
        }
        if (file == null) {
            throw ProblemException.invalidField("file", "is required");
        }
        String content;
        try (InputStream in = file.getContent()) {
            byte[] bytes = in.readNBytes(maxFileBytes + 1);
            if (bytes.length > maxFileBytes) {
                throw ProblemException.invalidField("file", "exceeds " + maxFileBytes + " bytes");
            }
            content = new String(bytes, StandardCharsets.UTF_8);
        }
        BatchLines.of(content); // a wrong line is refused now, not when the batch is made
        String name = file.getFileName().filter(n -> !n.isBlank()).orElse("batch.jsonl");
        return BatchObjects.file(files.store(caller.get(), name.length() > 255 ? name.substring(0, 255) : name, content));
    }

    @GET
    @Path("{id}")
    public JsonObject get(@PathParam("id") String id) {
        Batch batch = batchOf(id);
        if (batch == null) {
            return BatchObjects.file(files.find(caller.get(), id));
        }
        boolean output = id.startsWith(BatchObjects.OUTPUT);
        return BatchObjects.file(id, "batch_" + BatchObjects.hex(batch.id()) + (output ? "_output" : "_error") + ".jsonl",
                results.size(batch, keep(output), lines(batch, output)), batch.endedAt(), "batch_output",
                batch.purgeAfter());
    }

    @GET
    @Path("{id}/content")
    @Produces({MediaType.APPLICATION_OCTET_STREAM, FilesResource.BINARY, MediaType.APPLICATION_JSON})
    public Response content(@PathParam("id") String id) {
        Batch batch = batchOf(id);
        if (batch == null) {
            String content = files.content(caller.get(), id);
            return Response.ok(content, MediaType.APPLICATION_OCTET_STREAM).build();
        }
        BatchResults.kept(batch);
        boolean output = id.startsWith(BatchObjects.OUTPUT);
        StreamingOutput body = out -> results.write(batch, keep(output), lines(batch, output), out);
        return Response.ok(body, MediaType.APPLICATION_OCTET_STREAM).build();
    }

    @DELETE
    @Path("{id}")
    public JsonObject delete(@PathParam("id") String id) {
        files.delete(caller.get(), id);
        return jakarta.json.Json.createObjectBuilder().add("id", id).add("object", "file").add("deleted", true).build();
    }

    /** The batch whose output or error file {@code id} names, if the caller may see it and it has ended; else null. */
    private Batch batchOf(String id) {
        UUID batchId = BatchObjects.batchOf(id, BatchObjects.OUTPUT);
        if (batchId == null) {
            batchId = BatchObjects.batchOf(id, BatchObjects.ERRORS);
        }
        if (batchId == null) {
            return null;
        }
        Batch batch = batches.find(caller.get(), batchId);
        if (!batch.ended()) {
            throw new ProblemException(dev.tollgate.platform.ProblemType.NOT_FOUND, "No file " + id
                    + " yet: the batch has not ended.");
        }
        return batch;
    }

    private static Predicate<BatchResults.Result> keep(boolean output) {
        return output ? result -> result.output() != null : result -> result.output() == null;
    }

    private static BatchResults.LineWriter lines(Batch batch, boolean output) {
        return output ? result -> BatchObjects.outputLine(batch, result) : result -> BatchObjects.errorLine(batch, result);
    }
}
