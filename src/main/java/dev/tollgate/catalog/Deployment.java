package dev.tollgate.catalog;

/**
 * One server a model is served from: its wire ({@code seed}, the seed's contract, or
 * {@code openai}, any Chat Completions server), where it is, the model's name there, the
 * environment variable holding its key (never the key itself) and its share of the traffic.
 * Null optional fields mean the server's defaults.
 */
public record Deployment(Kind kind, String url, String model, String apiKeyEnv, int weight, String azureApiVersion,
                         Integer timeoutFirstTokenMs, Integer maxConcurrent) {

    public enum Kind {
        SEED, OPENAI
    }
}
