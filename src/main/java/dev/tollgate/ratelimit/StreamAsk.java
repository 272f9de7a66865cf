package dev.tollgate.ratelimit;

import dev.tollgate.auth.Caller;
import dev.tollgate.platform.Refusal;
import jakarta.persistence.Query;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * One stream's admission as {@code tollgate_open_stream} (db/R__stream_slots.sql) takes it: the turn, its caller,
 * the limits that apply and the minute it counts in. Functions that begin with that admission
 * ({@code tollgate_admit}, db/R__admission.sql) take the same {@link #ARGUMENTS}.
 */
public record StreamAsk(UUID turnId, Caller caller, Limits limits, Instant now, Instant slotExpires, Instant window) {

    public static final String ARGUMENTS = ":s_turn, :s_company, :s_user, :s_now, :s_expires, :s_window, "
            + ":s_user_requests, :s_company_requests, :s_user_streams, :s_company_streams";

    /**
     * The 429 for the limit {@code tollgate_open_stream} refused by raising {@code sqlState}
     * (TG001 to TG004, db/R__stream_slots.sql); null for any other failure.
     */
    public Refusal refusal(String sqlState) {
        return switch (sqlState == null ? "" : sqlState) {
            case "TG001" -> RateLimits.userRequestsUsed(limits, window, now);
            case "TG002" -> RateLimits.companyRequestsUsed(limits, window, now);
            case "TG003" -> RateLimits.tooMany("Your company has " + limits.companyMaxStreams()
                    + " answers streaming already.", Duration.ofSeconds(1));
            case "TG004" -> RateLimits.tooMany("You have " + limits.userMaxStreams() + " answers streaming already.",
                    Duration.ofSeconds(1));
            default -> null;
        };
    }

    public Query bind(Query query) {
        return query.setParameter("s_turn", turnId).setParameter("s_company", caller.companyId())
                .setParameter("s_user", caller.userId()).setParameter("s_now", now)
                .setParameter("s_expires", slotExpires).setParameter("s_window", window)
                .setParameter("s_user_requests", limits.userRequestsPerMinute())
                .setParameter("s_company_requests", limits.companyRequestsPerMinute())
                .setParameter("s_user_streams", limits.userMaxStreams())
                .setParameter("s_company_streams", limits.companyMaxStreams());
    }
}
