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
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
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

    /** A fixed catalog, for rules tested without a server. */
    Pricing(Models fixed) {
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

    /**
     * The cost by the model's price, or by the last price this server saw for a model a catalog
     * change removed; empty when neither is known (usage reported for a model never priced here).
     */
    public OptionalLong costIfPriced(String model, long promptTokens, long completionTokens) {
        String named = model == null || model.isBlank() ? catalog.get().defaultModel() : model;
        if (catalog.get().find(named) == null && !seen.containsKey(named)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(cost(named, promptTokens, completionTokens));
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

    /** What to hold before the call: the prompt's tokens plus every token the answer may have. */
    public long reservation(String model, List<String> prompt, int maxTokens) {
        return cost(model, promptTokens(model, prompt), maxTokens);
    }

    /**
     * The tokens of a prompt's messages (or of a question alone) as the hold counts them: by the
     * model's tokenizer where the catalog names one, else an estimate ({@link Tokenizers}).
     */
    public long promptTokens(String model, List<String> prompt) {
        Model entry = catalog.get().find(model);
        String tokenizer = entry == null ? null : entry.tokenizer();
        long tokens = 0;
        for (String message : prompt) {
            tokens += Tokenizers.count(tokenizer, message);
        }
        return tokens;
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
