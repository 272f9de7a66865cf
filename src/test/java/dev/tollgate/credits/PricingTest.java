package dev.tollgate.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.platform.ProblemException;
import org.junit.jupiter.api.Test;

class PricingTest {

    private final Pricing pricing = new Pricing("small:10:30, large:200:600", "small");

    @Test
    void costsArePerThousandTokensRoundedUpToWholeCredits() {
        assertThat(pricing.cost("small", 1000, 1000)).isEqualTo(40);
        assertThat(pricing.cost("small", 7, 6)).isEqualTo(1);   // 0.25 credits still costs one
        assertThat(pricing.cost("small", 0, 0)).isZero();
        assertThat(pricing.cost("large", 1500, 500)).isEqualTo(600);
    }

    @Test
    void theHoldCoversAGenerousPromptEstimateAndEveryAllowedToken() {
        String query = "How do credits work in Tollgate?";
        long estimate = Pricing.estimatePromptTokens(query);
        assertThat(estimate).isGreaterThanOrEqualTo(query.split("\\s+").length + 4);
        assertThat(pricing.reservation("small", query, 512)).isEqualTo(pricing.cost("small", estimate, 512));
    }

    @Test
    void theDefaultModelIsUsedWhenNoneIsAskedForAndAnUnpricedOneIsRefused() {
        assertThat(pricing.model(null)).isEqualTo("small");
        assertThat(pricing.model("large")).isEqualTo("large");
        assertThatThrownBy(() -> pricing.model("free-lunch"))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status()).isEqualTo(422));
    }
}
