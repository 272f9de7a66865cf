package dev.tollgate.openai;

import static dev.tollgate.platform.JsonFormat.JSON;

import dev.tollgate.batch.Batch;
import dev.tollgate.batch.BatchFiles;
import dev.tollgate.batch.BatchResults;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.StringReader;
import java.time.Instant;
import java.util.UUID;

/** OpenAI's batch and file objects, and the lines of a batch's output and error files. */
final class BatchObjects {

    static final String OUTPUT = "file-out";
    static final String ERRORS = "file-err";

    private BatchObjects() {
    }

    static String id(UUID batchId) {
        return "batch_" + hex(batchId);
    }

    /** The batch a {@code batch_…} or output/error file id names, or null. */
    static UUID batchOf(String id, String prefix) {
        if (id == null || !id.startsWith(prefix) || id.length() != prefix.length() + 32) {
            return null;
        }
        String hex = id.substring(prefix.length());
        try {
            return new UUID(Long.parseUnsignedLong(hex.substring(0, 16), 16), Long.parseUnsignedLong(hex.substring(16), 16));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static JsonObject batch(Batch b) {
        JsonObjectBuilder json = JSON.createObjectBuilder().add("id", id(b.id())).add("object", "batch")
                .add("endpoint", BatchLines.ENDPOINT).addNull("errors")
                .add("input_file_id", b.inputFileId() == null ? "" : b.inputFileId())
                .add("completion_window", b.completionWindow()).add("status", b.status())
                .add("created_at", seconds(b.createdAt())).add("in_progress_at", seconds(b.createdAt()))
                .add("expires_at", seconds(b.expiresAt()))
                .add("request_counts", JSON.createObjectBuilder().add("total", b.total())
                        .add("completed", b.completed()).add("failed", b.failed()));
        optional(json, "output_file_id", b.ended() && b.completed() > 0 ? OUTPUT + hex(b.id()) : null);
        optional(json, "error_file_id", b.ended() && b.completed() < b.total() ? ERRORS + hex(b.id()) : null);
        optional(json, "finalizing_at", b.endedAt());
        optional(json, "completed_at", "completed".equals(b.status()) ? b.endedAt() : null);
        optional(json, "failed_at", "failed".equals(b.status()) ? b.endedAt() : null);
        optional(json, "expired_at", "expired".equals(b.status()) ? b.endedAt() : null);
        optional(json, "cancelling_at", b.cancelledAt());
        optional(json, "cancelled_at", "cancelled".equals(b.status()) ? b.endedAt() : null);
        if (b.metadata() == null) {
            json.addNull("metadata");
        } else {
            json.add("metadata", JSON.createReader(new StringReader(b.metadata())).readObject());
        }
        return json.build();
    }

    static JsonObject file(String id, String filename, long bytes, Instant createdAt, String purpose, Instant expiresAt) {
        JsonObjectBuilder json = JSON.createObjectBuilder().add("id", id).add("object", "file").add("bytes", bytes)
                .add("created_at", seconds(createdAt)).add("filename", filename).add("purpose", purpose)
                .add("status", "processed");
        optional(json, "expires_at", expiresAt);
        return json.build();
    }

    static JsonObject file(BatchFiles.Stored stored) {
        return file(stored.id(), stored.filename(), stored.bytes(), stored.createdAt(), "batch", stored.purgeAfter());
    }

    /** A line of the output file: the item's request id and its whole {@code chat.completion}. */
    static String outputLine(Batch batch, BatchResults.Result result) {
        JsonObject output = result.output();
        JsonObjectBuilder message = JSON.createObjectBuilder().add("role", "assistant");
        var toolCalls = output.getJsonArray("tool_call_deltas").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList();
        if (toolCalls.isEmpty() || !output.getString("content").isEmpty()) {
            message.add("content", output.getString("content"));
        } else {
            message.addNull("content");
        }
        message.addNull("refusal");
        if (!toolCalls.isEmpty()) {
            message.add("tool_calls", ToolCalls.joined(toolCalls));
        }
        int prompt = output.getInt("prompt_tokens");
        int completion = output.getInt("completion_tokens");
        JsonObject body = JSON.createObjectBuilder().add("id", "chatcmpl-" + result.requestId())
                .add("object", "chat.completion").add("created", output.getJsonNumber("created").longValue())
                .add("model", batch.model())
                .add("choices", JSON.createArrayBuilder().add(JSON.createObjectBuilder().add("index", 0)
                        .add("message", message).addNull("logprobs").add("finish_reason", output.getString("finish_reason"))))
                .add("usage", JSON.createObjectBuilder().add("prompt_tokens", prompt).add("completion_tokens", completion)
                        .add("total_tokens", prompt + completion))
                .build();
        return JSON.createObjectBuilder().add("id", lineId(batch, result)).add("custom_id", result.customId())
                .add("response", JSON.createObjectBuilder().add("status_code", 200)
                        .add("request_id", result.requestId()).add("body", body))
                .addNull("error").build() + "\n";
    }

    /** A line of the error file: why the item has no answer. */
    static String errorLine(Batch batch, BatchResults.Result result) {
        String code = result.errorCode() != null && "failed".equals(result.status()) ? result.errorCode()
                : "batch_" + result.status();
        String message = "failed".equals(result.status()) && result.error() != null ? result.error()
                : "The request was " + result.status() + " before it ran.";
        return JSON.createObjectBuilder().add("id", lineId(batch, result)).add("custom_id", result.customId())
                .addNull("response")
                .add("error", JSON.createObjectBuilder().add("code", code).add("message", message))
                .build() + "\n";
    }

    private static String lineId(Batch batch, BatchResults.Result result) {
        return "batch_req_" + hex(batch.id()) + "_" + result.idx();
    }

    private static void optional(JsonObjectBuilder json, String name, Object value) {
        if (value == null) {
            json.addNull(name);
        } else if (value instanceof Instant at) {
            json.add(name, seconds(at));
        } else {
            json.add(name, value.toString());
        }
    }

    private static long seconds(Instant at) {
        return at.getEpochSecond();
    }

    static String hex(UUID id) {
        return id.toString().replace("-", "");
    }
}
