package dev.tollgate.batch;

import static dev.tollgate.platform.JsonFormat.JSON;

import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import dev.tollgate.session.HistoryCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A batch's items as results, read a page at a time and their outputs opened as they are
 * written, so a large batch is never whole in memory. Each front writes its own lines.
 */
@ApplicationScoped
public class BatchResults {

    private static final int PAGE = 500;

    @Inject
    BatchStore store;

    @Inject
    HistoryCipher cipher;

    /** One item of the results: its answer ({@code output}, opened), or why it has none. */
    public record Result(int idx, String customId, String status, String requestId, JsonObject output,
                         String errorCode, String error, Long credits) {
    }

    /** 410 when the batch's inputs and outputs are gone after their retention: checked before a stream begins. */
    public static void kept(Batch batch) {
        if (batch.purgedAt() != null) {
            throw new ProblemException(ProblemType.BATCH_PURGED, "The batch's inputs and outputs were deleted at "
                    + batch.purgedAt() + ", after their retention.");
        }
    }

    /** Writes a line per item the filter keeps, in order. 410 when the batch's items are purged. */
    public void write(Batch batch, Predicate<Result> keep, LineWriter lines, OutputStream out) {
        kept(batch);
        try {
            int after = -1;
            List<BatchStore.Finished> page;
            do {
                page = store.items(batch.id(), after, PAGE);
                for (BatchStore.Finished item : page) {
                    Result result = result(batch.id(), item);
                    if (keep.test(result)) {
                        out.write(lines.line(result).getBytes(StandardCharsets.UTF_8));
                    }
                    after = item.idx();
                }
                out.flush();
            } while (page.size() == PAGE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every result, for the OpenAI front's file sizes. */
    public long size(Batch batch, Predicate<Result> keep, LineWriter lines) {
        long[] bytes = {0};
        write(batch, keep, lines, new OutputStream() {
            @Override
            public void write(int b) {
                bytes[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                bytes[0] += len;
            }
        });
        return bytes[0];
    }

    private Result result(UUID batchId, BatchStore.Finished item) {
        JsonObject output = item.output() == null ? null : JSON.createReader(new StringReader(
                cipher.open(Claimed.context(batchId, item.idx(), "out"), item.keyId(), item.output()))).readObject();
        return new Result(item.idx(), item.customId(), item.status(), item.requestId(), output, item.errorCode(),
                item.error(), item.credits());
    }

    /** One result as a line of a front's format, its line end included. */
    @FunctionalInterface
    public interface LineWriter {
        String line(Result result);
    }
}
