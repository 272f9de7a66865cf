package dev.tollgate.credits;

import dev.tollgate.platform.Problem;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Prices per model, in credits per 1,000 prompt and per 1,000 completion tokens, from
 * configuration such as {@code tollgate.pricing.models=sim-1:10:30}. Costs round up to whole
 * credits; a model without a price is refused.
 */
@ApplicationScoped
public class Pricing {

    record Price(long promptPer1k, long completionPer1k) {
    }

    private final Map<String, Price> prices = new LinkedHashMap<>();
    private String defaultModel;

    @Inject
    public Pricing(@ConfigProperty(name = "tollgate.pricing.models") String spec,
                   @ConfigProperty(name = "tollgate.pricing.default-model") String defaultModel) {
        for (String entry : spec.split(",")) {
            String[] parts = entry.trim().split(":");
            if (parts.length == 3) {
                prices.put(parts[0].trim(), new Price(Long.parseLong(parts[1].trim()), Long.parseLong(parts[2].trim())));
            }
        }
        this.defaultModel = defaultModel;
    }

    protected Pricing() {
    }

    /** The model a request asked for, or the default; 422 when it has no price. */
    public String model(String requested) {
        String model = requested == null || requested.isBlank() ? defaultModel : requested;
        if (!prices.containsKey(model)) {
            throw new UnpricedModel(model, prices.keySet());
        }
        return model;
    }

    /** The models with a price: the ones callers may use. */
    public java.util.Set<String> models() {
        return java.util.Collections.unmodifiableSet(prices.keySet());
    }

    public long cost(String model, long promptTokens, long completionTokens) {
        Price price = prices.get(model);
        long milli = promptTokens * price.promptPer1k() + completionTokens * price.completionPer1k();
        return (milli + 999) / 1000;
    }

    /**
     * What to hold before the call: the prompt estimate plus every token the answer may have.
     * The estimate is deliberately high: one token per 3 bytes of UTF-8 (English averages about
     * 4 characters a token) plus 4 for the message frame.
     */
    public long reservation(String model, String query, int maxTokens) {
        return cost(model, estimatePromptTokens(query), maxTokens);
    }

    public static long estimatePromptTokens(String query) {
        return (query.getBytes(StandardCharsets.UTF_8).length + 2) / 3 + 4;
    }

    /** 422: nobody set a price for this model, so nobody may use it. */
    static final class UnpricedModel extends ProblemException {

        private final String model;

        UnpricedModel(String model, java.util.Set<String> known) {
            super(ProblemType.UNPRICED_MODEL, "There is no price for model '" + model + "'; priced models: " + known + ".");
            this.model = model;
        }

        @Override
        public Problem toProblem(String requestId) {
            return super.toProblem(requestId).withErrors(List.of(new Problem.FieldError("model", "has no price: " + model)));
        }
    }
}
