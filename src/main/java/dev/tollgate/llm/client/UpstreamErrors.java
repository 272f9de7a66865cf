package dev.tollgate.llm.client;

import dev.tollgate.llm.LlmException;
import dev.tollgate.llm.LlmRateLimited;
import dev.tollgate.llm.LlmSessionLost;
import dev.tollgate.llm.LlmTimeout;
import dev.tollgate.llm.LlmUnavailable;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** HTTP statuses of the LLM service, translated into Tollgate's failure types. */
public final class UpstreamErrors {

    private UpstreamErrors() {
    }

    static LlmException fromStatus(int status, String retryAfterHeader) {
        Duration retryAfter = parseRetryAfter(retryAfterHeader);
        return switch (status) {
            case 429 -> new LlmRateLimited("LLM service answered 429", retryAfter);
            case 404 -> new LlmSessionLost("LLM service does not know the session", null);
            case 408, 504 -> new LlmTimeout("LLM service answered " + status, retryAfter);
            default -> new LlmUnavailable("LLM service answered " + status, retryAfter);
        };
    }

    public static LlmException unreachable(Throwable cause) {
        if (cause instanceof LlmException known) {
            return known;
        }
        // Jetty's idle timeout, and its connect timeout
        if (cause instanceof java.util.concurrent.TimeoutException || cause instanceof java.net.SocketTimeoutException) {
            return new LlmTimeout("LLM service did not answer in time", null);
        }
        return new LlmUnavailable("LLM service unreachable: " + cause.getClass().getSimpleName(), null);
    }

    /** Retry-After in seconds or as an HTTP-date (RFC 9110); anything else is treated as absent. */
    static Duration parseRetryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(Instant.now(), at).truncatedTo(ChronoUnit.SECONDS);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
