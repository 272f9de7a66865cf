package dev.tollgate.platform;

import jakarta.inject.Inject;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSON-B's refusal of a request body (broken JSON, wrong shape, wrong types, a field Tollgate
 * does not know): the client's mistake, 400. The parser's own words stay in the log, since they
 * describe its internals; the client is told which field was unknown when that was the reason.
 */
@Provider
public class MalformedJsonMapper implements ExceptionMapper<JsonbException> {

    private static final Pattern UNKNOWN = Pattern.compile("Unknown property '?([A-Za-z0-9_]{1,64})'?");

    @Inject
    CurrentRequest request;

    @Override
    public Response toResponse(JsonbException e) {
        String detail = "The request body is not valid JSON of the expected shape.";
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            Matcher unknown = UNKNOWN.matcher(String.valueOf(cause.getMessage()));
            if (unknown.find()) {
                detail = "The request body has a field this API does not know: '" + unknown.group(1) + "'.";
                break;
            }
        }
        return ProblemResponses.of(Problem.of(ProblemType.MALFORMED_BODY, detail, request.id()));
    }
}
