package dev.tollgate.ratelimit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On an endpoint that opens a stream: its request is counted in the same transaction that takes
 * the stream slot (a turn's admission, {@code tollgate_admit}), not by {@link RequestRateFilter} as well, which
 * saves a transaction on the chat path.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface CountedWithStream {
}
