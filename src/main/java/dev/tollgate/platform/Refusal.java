package dev.tollgate.platform;

import java.time.Duration;

/**
 * Why a request gets no answer, as a value: a limit reached, credits short, a session that is not
 * the caller's, an LLM failure before any token. Each front shapes it its own way (problem+json
 * here, OpenAI's error object on the compatible front); {@code balance} and {@code required} are
 * set when credits are short.
 */
public record Refusal(ProblemType type, String detail, Duration retryAfter, Long balance, Long required) {

    public static Refusal of(ProblemType type, String detail) {
        return new Refusal(type, detail, null, null, null);
    }

    public static Refusal of(ProblemType type, String detail, Duration retryAfter) {
        return new Refusal(type, detail, retryAfter, null, null);
    }

    public int status() {
        return type.status();
    }

    public Problem problem(String requestId) {
        Problem problem = Problem.of(type, detail, requestId);
        if (balance != null) {
            problem = problem.withCredits(balance, required);
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
