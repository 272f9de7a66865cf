package dev.tollgate.credits;

import dev.tollgate.platform.Problem;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;

/** 402: the company's pool cannot pay for the request. Says how much there is and how much it needed. */
public class InsufficientCredits extends ProblemException {

    private final long balance;
    private final long required;

    public InsufficientCredits(long balance, long required) {
        super(ProblemType.INSUFFICIENT_CREDITS, "This request needs " + required + " credits; the balance is " + balance + ".");
        this.balance = balance;
        this.required = required;
    }

    @Override
    public Problem toProblem(String requestId) {
        return super.toProblem(requestId).withCredits(balance, required);
    }
}
