package dev.tollgate.platform;

import java.time.Duration;

/**
 * Thrown by services for an outcome the client must hear about as problem+json. The request id
 * is filled in by the mapper, so services need not carry it.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final Duration retryAfter;

    public ProblemException(int status, String title, String detail) {
        this(status, title, detail, null);
    }

    public ProblemException(int status, String title, String detail, Duration retryAfter) {
        super(detail);
        this.status = status;
        this.title = title;
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** Subclasses add fields (balance, field errors) to the problem they become. */
    public Problem toProblem(String requestId) {
        Problem problem = Problem.of(status, title, getMessage(), requestId);
        return retryAfter == null ? problem : problem.withRetryAfterMs(retryAfter.toMillis());
    }
}
