package dev.tollgate.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.catalog.Model;
import dev.tollgate.catalog.Models;
import dev.tollgate.catalog.Prices;
import dev.tollgate.platform.ProblemException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PricingTest {

    private final Pricing pricing = new Pricing(Models.ofPricing("small:10:30, large:200:600", "small", null));

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
        long estimate = pricing.promptTokens("small", List.of(query));
        assertThat(estimate).isGreaterThanOrEqualTo(query.split("\\s+").length + 4);
        assertThat(pricing.reservation("small", List.of(query), 512)).isEqualTo(pricing.cost("small", estimate, 512));
    }

    @Test
    void aModelWithATokenizerIsCountedByItAndEachMessageHasItsFrame() {
        Model counted = new Model("counted", new Prices(1000, 1000), List.of(), null, null, "cl100k_base", null);
        Pricing priced = new Pricing(new Models(Map.of("counted", counted), "counted"));

        assertThat(priced.promptTokens("counted", List.of("hello world"))).isEqualTo(2 + 4);
        assertThat(priced.promptTokens("counted", List.of("hello world", "hello world"))).isEqualTo(12);
        assertThat(pricing.promptTokens("small", List.of("hello world"))).as("the byte estimate, higher").isEqualTo(8);
    }

    @Test
    void theDefaultModelIsUsedWhenNoneIsAskedForAndAnUnpricedOneIsRefused() {
        assertThat(pricing.model(null)).isEqualTo("small");
        assertThat(pricing.model("large")).isEqualTo("large");
        assertThatThrownBy(() -> pricing.model("free-lunch"))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status()).isEqualTo(422));
    }
}
