package dev.tollgate.platform;

import java.time.Duration;
import java.util.List;

/**
 * Thrown by services for an outcome the client must hear about as problem+json. The request id
 * is filled in by the mapper, so services need not carry it.
 */
public class ProblemException extends RuntimeException {

    private final ProblemType type;
    private final Duration retryAfter;

    public ProblemException(ProblemType type, String detail) {
        this(type, detail, null);
    }

    public ProblemException(ProblemType type, String detail, Duration retryAfter) {
        super(detail);
        this.type = type;
        this.retryAfter = retryAfter;
    }

    /** A 400 naming the one field that is wrong. */
    public static ProblemException invalidField(String field, String message) {
        return new ProblemException(ProblemType.INVALID_REQUEST, field + " " + message + ".") {
            @Override
            public Problem toProblem(String requestId) {
                return super.toProblem(requestId).withErrors(List.of(new Problem.FieldError(field, message)));
            }
        };
    }

    public ProblemType type() {
        return type;
    }

    public int status() {
        return type.status();
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** Subclasses add fields (balance, field errors) to the problem they become. */
    public Problem toProblem(String requestId) {
        Problem problem = Problem.of(type, getMessage(), requestId);
        return retryAfter == null ? problem : problem.withRetryAfterMs(retryAfter.toMillis());
    }
}
