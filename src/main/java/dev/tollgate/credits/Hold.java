package dev.tollgate.credits;

import dev.tollgate.platform.ProblemType;
import dev.tollgate.platform.Refusal;
import java.util.function.LongSupplier;

/** The outcome of asking for a hold. Refusals are answers, not exceptions: nothing is rolled back. */
public enum Hold {
    HELD, INSUFFICIENT_CREDITS, DAILY_LIMIT, MONTHLY_LIMIT,
    /** This turn (its Idempotency-Key) was held before and given back: it failed before its answer began. */
    SPENT;

    public boolean held() {
        return this == HELD;
    }

    /**
     * Why a hold of {@code required} credits was not taken: the pool cannot pay (with its balance,
     * read only then), a user's limit, or a spent idempotency key. Null when it was held.
     */
    public Refusal refusal(LongSupplier balance, long required) {
        return switch (this) {
            case HELD -> null;
            case SPENT -> Refusal.of(ProblemType.IDEMPOTENCY_KEY_SPENT,
                    "A request with this Idempotency-Key failed before its answer began; retry with a new key.");
            case INSUFFICIENT_CREDITS -> {
                long left = balance.getAsLong();
                yield Refusal.unpaid(ProblemType.INSUFFICIENT_CREDITS,
                        "This request needs " + required + " credits; the balance is " + left + ".", left, required);
            }
            case DAILY_LIMIT, MONTHLY_LIMIT -> Refusal.of(ProblemType.SPENDING_LIMIT_REACHED, "This request needs "
                    + required + " credits, more than is left of your " + (this == DAILY_LIMIT ? "daily" : "monthly")
                    + " spending limit.");
        };
    }
}
