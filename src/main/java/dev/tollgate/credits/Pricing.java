package dev.tollgate.credits;

import dev.tollgate.catalog.Catalog;
import dev.tollgate.catalog.Model;
import dev.tollgate.catalog.Models;
import dev.tollgate.catalog.Prices;
import dev.tollgate.platform.Problem;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.platform.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Prices per model, in credits per 1,000 prompt and per 1,000 completion tokens, from the model
 * catalog. Costs round up to whole credits; a model without a price is refused.
 */
@ApplicationScoped
public class Pricing {

    private Supplier<Models> catalog;

    /** Prices of models a catalog change removed, so their open holds still settle. */
    private final Map<String, Prices> seen = new ConcurrentHashMap<>();

    @Inject
    public Pricing(Catalog catalog) {
        this.catalog = catalog::current;
    }

    /** Fixed prices ({@code name:prompt:completion,...}), for rules tested without a server. */
    Pricing(String spec, String defaultModel) {
        Models fixed = Models.ofPricing(spec, defaultModel, null);
        this.catalog = () -> fixed;
    }

    protected Pricing() {
    }

    /** The model a request asked for, or the default; 422 when it has no price. */
    public String model(String requested) {
        Models models = catalog.get();
        String model = requested == null || requested.isBlank() ? models.defaultModel() : requested;
        if (models.find(model) == null) {
            throw new UnpricedModel(model, models.names());
        }
        return model;
    }

    /** The models with a price: the ones callers may use. */
    public Set<String> models() {
        return catalog.get().names();
    }

    public long cost(String model, long promptTokens, long completionTokens) {
        Prices price = priceOf(model);
        long milli = promptTokens * price.prompt() + completionTokens * price.completion();
        return (milli + 999) / 1000;
    }

    private Prices priceOf(String model) {
        Model priced = catalog.get().find(model);
        if (priced != null) {
            seen.put(model, priced.prices());
            return priced.prices();
        }
        Prices before = seen.get(model);
        if (before == null) {
            throw new UnpricedModel(model, catalog.get().names());
        }
        return before;
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

        UnpricedModel(String model, Set<String> known) {
            super(ProblemType.UNPRICED_MODEL, "There is no price for model '" + model + "'; priced models: " + known + ".");
            this.model = model;
        }

        @Override
        public Problem toProblem(String requestId) {
            return super.toProblem(requestId).withErrors(List.of(new Problem.FieldError("model", "has no price: " + model)));
        }
    }
}
