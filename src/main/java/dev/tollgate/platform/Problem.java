package dev.tollgate.platform;

import java.util.List;

/**
 * The one error shape (RFC 9457 application/problem+json). {@code requestId} is always set so a
 * user can quote it; fields that do not apply are left null and so omitted from the JSON.
 * Extension members: field {@code errors}; {@code balance} and {@code required} when credits are
 * short; {@code retry_after_ms}; {@code limit}, the requests per minute a 429 found used up.
 */
public record Problem(String type, String title, int status, String detail, String requestId,
                      List<FieldError> errors, Long balance, Long required, Long retryAfterMs, Integer limit) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public record FieldError(String field, String message) {
    }

    public static Problem of(ProblemType type, String detail, String requestId) {
        return of(type, type.status(), detail, requestId);
    }

    /** For {@link ProblemType#REFUSED}: a status the container chose. */
    public static Problem of(ProblemType type, int status, String detail, String requestId) {
        return new Problem(type.uri(), type.title(), status, detail, requestId, null, null, null, null, null);
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, requestId, fieldErrors, balance, required, retryAfterMs, limit);
    }

    public Problem withCredits(long currentBalance, long requiredCredits) {
        return new Problem(type, title, status, detail, requestId, errors, currentBalance, requiredCredits, retryAfterMs, limit);
    }

    public Problem withRetryAfterMs(Long millis) {
        return new Problem(type, title, status, detail, requestId, errors, balance, required, millis, limit);
    }

    /** The requests per minute that were used up. */
    public Problem withLimit(Integer reached) {
        return new Problem(type, title, status, detail, requestId, errors, balance, required, retryAfterMs, reached);
    }
}
