package dev.tollgate.simulator;

import java.util.List;

/** Deterministic "model" output: the same query always yields the same tokens. */
final class SimText {

    private static final List<String> WORDS = List.of(
            "Tollgate", "relays", "every", "token", "as", "it", "arrives", "from", "the", "model",
            "while", "credits", "sessions", "and", "audit", "records", "stay", "in", "the", "gateway", ".");

    static final String NO_RESULTS =
            "I could not find anything matching your question. Try rephrasing it or widening the filters.";

    private SimText() {
    }

    static String token(String query, int index) {
        int seed = Math.floorMod(query.hashCode(), WORDS.size());
        String word = WORDS.get((seed + index * 7) % WORDS.size());
        return index == 0 ? word : " " + word;
    }

    /** The query without the simulator's directive. */
    static String echo(String query) {
        return query.replaceAll("\\[\\[sim[^\\]]*]]", "").strip();
    }

    /** A crude but stable prompt-token count: one per whitespace-separated word. */
    static int promptTokens(String query) {
        String trimmed = query.trim();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }
}
