package dev.tollgate.ratelimit;

/** The limits that apply to one company and each of its users. */
public record Limits(int companyRequestsPerMinute, int companyMaxStreams, int userRequestsPerMinute,
                     int userMaxStreams) {
}
