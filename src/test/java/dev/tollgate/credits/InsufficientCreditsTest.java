package dev.tollgate.credits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.platform.Problem;
import org.junit.jupiter.api.Test;

class InsufficientCreditsTest {

    @Test
    void theProblemIs402AndCarriesBalanceAndRequiredAmount() {
        Problem problem = new InsufficientCredits(10, 11).toProblem("req-12345678");
        assertThat(problem.status()).isEqualTo(402);
        assertThat(problem.balance()).isEqualTo(10);
        assertThat(problem.required()).isEqualTo(11);
        assertThat(problem.requestId()).isEqualTo("req-12345678");
        assertThat(problem.detail()).contains("11").contains("10");
    }
}
