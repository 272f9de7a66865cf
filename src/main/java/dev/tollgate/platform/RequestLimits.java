package dev.tollgate.platform;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses oversized requests before anything reads them: a body over the limit is 413, headers
 * over theirs 431, both problem+json. A body sent without a length is read up to the limit and no
 * further. (Headers beyond Liberty's own 32 KB field limit never reach the application.)
 */
@Provider
@PreMatching
@Priority(Priorities.USER + 10) // after RequestIdFilter, so refusals carry the request id
public class RequestLimits implements ContainerRequestFilter {

    @Inject
    @ConfigProperty(name = "tollgate.http.max-body-bytes")
    int maxBodyBytes;

    /** Batch inputs (a batch's items, an uploaded file) may be larger than any other request. */
    @Inject
    @ConfigProperty(name = "tollgate.batch.max-file-bytes")
    int maxBatchBytes;

    @Inject
    @ConfigProperty(name = "tollgate.http.max-header-bytes")
    int maxHeaderBytes;

    @Override
    public void filter(ContainerRequestContext request) throws IOException {
        String requestId = (String) request.getProperty(RequestIds.ATTRIBUTE);
        if (headerBytes(request.getHeaders()) > maxHeaderBytes) {
            request.abortWith(ProblemResponses.of(Problem.of(ProblemType.HEADERS_TOO_LARGE,
                    "The request's headers exceed " + maxHeaderBytes + " bytes.", requestId)));
            return;
        }
        int length = request.getLength();
        int most = batchInput(request) ? maxBatchBytes : maxBodyBytes;
        if (length > most || (length < 0 && request.hasEntity() && !fitsWhenRead(request, most))) {
            request.abortWith(ProblemResponses.of(Problem.of(ProblemType.BODY_TOO_LARGE,
                    "The request body exceeds " + most + " bytes.", requestId)));
        }
    }

    /** Reads a body of unknown length up to the limit; if it fits, hands it on unchanged. */
    private static boolean fitsWhenRead(ContainerRequestContext request, int most) throws IOException {
        try (InputStream in = request.getEntityStream()) {
            byte[] body = in.readNBytes(most + 1);
            if (body.length > most) {
                return false;
            }
            request.setEntityStream(new ByteArrayInputStream(body));
            return true;
        }
    }

    private static boolean batchInput(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        path = path.startsWith("/") ? path.substring(1) : path;
        return "POST".equals(request.getMethod()) && (path.equals("v1/files") || path.equals("api/v1/batches"));
    }

    private static long headerBytes(Map<String, List<String>> headers) {
        long total = 0;
        for (var header : headers.entrySet()) {
            for (String value : header.getValue()) {
                total += header.getKey().length() + value.length() + 4;
            }
        }
        return total;
    }
}
