package dev.tollgate.catalog;

import java.util.List;
import java.util.Set;

/**
 * A model clients may ask for, with its prices and the deployments that serve it. Optional
 * fields are null where the catalog does not set them ({@code allowedRoles} null: every role).
 */
public record Model(String name, Prices prices, List<Deployment> deployments, Integer maxContextTokens,
                    Integer defaultMaxTokens, String tokenizer, Set<String> allowedRoles) {

    /** Whether any of the model's deployments is of this kind. */
    public boolean servedBy(Deployment.Kind kind) {
        return deployments.stream().anyMatch(deployment -> deployment.kind() == kind);
    }

    /** An answer's limit: as asked, else this model's default, else the server's ({@code fallback}). */
    public int maxTokens(Integer asked, int fallback) {
        return asked != null ? asked : defaultMaxTokens != null ? defaultMaxTokens : fallback;
    }

    /** Whether a prompt and its answer's limit fit the model's context (always, when the catalog sets none). */
    public boolean fits(long promptTokens, int maxTokens) {
        return maxContextTokens == null || promptTokens + maxTokens <= maxContextTokens;
    }
}
