package dev.tollgate.llm.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.llm.LlmRateLimited;
import dev.tollgate.llm.LlmSessionLost;
import dev.tollgate.llm.LlmTimeout;
import dev.tollgate.llm.LlmUnavailable;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class UpstreamErrorsTest {

    @Test
    void statusesBecomeTypedFailuresKeepingRetryAdvice() {
        var limited = UpstreamErrors.fromStatus(429, "7");
        assertThat(limited).isInstanceOf(LlmRateLimited.class);
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(UpstreamErrors.fromStatus(404, null)).isInstanceOf(LlmSessionLost.class);
        assertThat(UpstreamErrors.fromStatus(504, null)).isInstanceOf(LlmTimeout.class);
        assertThat(UpstreamErrors.fromStatus(500, null)).isInstanceOf(LlmUnavailable.class);
        assertThat(UpstreamErrors.fromStatus(500, null).status()).isEqualTo(503);
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60));
        String aMinuteAgo = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusSeconds(60));
        assertThat(UpstreamErrors.parseRetryAfter(inAMinute)).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(60));
        assertThat(UpstreamErrors.parseRetryAfter(aMinuteAgo)).isEqualTo(Duration.ZERO);
        assertThat(UpstreamErrors.parseRetryAfter("soon")).isNull();
        assertThat(UpstreamErrors.parseRetryAfter(null)).isNull();
        assertThat(UpstreamErrors.parseRetryAfter(" 12 ")).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void transportFailuresAreClassified() {
        assertThat(UpstreamErrors.unreachable(new TimeoutException("Idle timeout expired"))).isInstanceOf(LlmTimeout.class);
        assertThat(UpstreamErrors.unreachable(new SocketTimeoutException("Connect Timeout"))).isInstanceOf(LlmTimeout.class);
        assertThat(UpstreamErrors.unreachable(new ConnectException("refused"))).isInstanceOf(LlmUnavailable.class);
    }
}
