package dev.tollgate.credits;

import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
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
     * For an endpoint: a refusal becomes its 402 (with the pool's balance when the pool cannot pay),
     * a spent idempotency key its 409.
     */
    public void orRefuse(LongSupplier balance, long required) {
        if (this == SPENT) {
            throw new ProblemException(ProblemType.IDEMPOTENCY_KEY_SPENT,
                    "A request with this Idempotency-Key failed before its answer began; retry with a new key.");
        }
        if (this == INSUFFICIENT_CREDITS) {
            throw new InsufficientCredits(balance.getAsLong(), required);
        }
        if (!held()) {
            throw new ProblemException(ProblemType.SPENDING_LIMIT_REACHED, "This request needs " + required
                    + " credits, more than is left of your " + (this == DAILY_LIMIT ? "daily" : "monthly")
                    + " spending limit.");
        }
    }
}
