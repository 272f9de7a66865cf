package dev.tollgate.platform;

import java.time.Duration;

/**
 * Why a request gets no answer, as a value: a limit reached, credits short, a session that is not
 * the caller's, an LLM failure before any token. Each front shapes it its own way (problem+json
 * here, OpenAI's error object on the compatible front); {@code balance} and {@code required} are
 * set when credits are short, {@code limit} when a count of requests per minute is used up.
 */
public record Refusal(ProblemType type, String detail, Duration retryAfter, Long balance, Long required,
                      Integer limit) {

    public static Refusal of(ProblemType type, String detail) {
        return new Refusal(type, detail, null, null, null, null);
    }

    public static Refusal of(ProblemType type, String detail, Duration retryAfter) {
        return new Refusal(type, detail, retryAfter, null, null, null);
    }

    /** Credits short: what is left and what the request needs. */
    public static Refusal unpaid(ProblemType type, String detail, long balance, long required) {
        return new Refusal(type, detail, null, balance, required, null);
    }

    /** A count of requests per minute used up: {@code limit} of them, the next in {@code retryAfter}. */
    public static Refusal limited(String detail, Duration retryAfter, int limit) {
        return new Refusal(ProblemType.RATE_LIMITED, detail, retryAfter, null, null, limit);
    }

    public int status() {
        return type.status();
    }

    public Problem problem(String requestId) {
        Problem problem = Problem.of(type, detail, requestId);
        if (balance != null) {
            problem = problem.withCredits(balance, required);
        }
        if (limit != null) {
            problem = problem.withLimit(limit);
        }
        return retryAfter == null ? problem : problem.withRetryAfterMs(retryAfter.toMillis());
    }

    /** For a front that answers through the exception mappers: the problem it becomes. */
    public ProblemException exception() {
        return new ProblemException(type, detail, retryAfter) {
            @Override
            public Problem toProblem(String requestId) {
                return problem(requestId);
            }
        };
    }
}
