package dev.tollgate.credits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.platform.Problem;
import org.junit.jupiter.api.Test;

class HoldTest {

    @Test
    void theProblemIs402AndCarriesBalanceAndRequiredAmount() {
        Problem problem = Hold.INSUFFICIENT_CREDITS.refusal(() -> 10, 11).problem("req-12345678");
        assertThat(problem.status()).isEqualTo(402);
        assertThat(problem.balance()).isEqualTo(10);
        assertThat(problem.required()).isEqualTo(11);
        assertThat(problem.requestId()).isEqualTo("req-12345678");
        assertThat(problem.detail()).contains("11").contains("10");
    }

    @Test
    void aHoldThatWasTakenIsNoRefusalAndReadsNoBalance() {
        assertThat(Hold.HELD.refusal(() -> {
            throw new AssertionError("the balance is read only when the pool cannot pay");
        }, 11)).isNull();
    }
}
