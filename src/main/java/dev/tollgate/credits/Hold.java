package dev.tollgate.credits;

/** The outcome of asking for a hold. Refusals are answers, not exceptions: nothing is rolled back. */
public enum Hold {
    HELD, INSUFFICIENT_CREDITS, DAILY_LIMIT, MONTHLY_LIMIT;

    public boolean held() {
        return this == HELD;
    }
}
