package dev.tollgate.catalog;

/** Credits per 1,000 prompt tokens and per 1,000 completion tokens. */
public record Prices(long prompt, long completion) {
}
