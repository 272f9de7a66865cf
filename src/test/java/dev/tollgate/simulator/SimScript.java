package dev.tollgate.simulator;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the simulator behaves for one chat request. Tests and demos steer it per request with a
 * directive inside the query, e.g. {@code [[sim tokens=5 delay_ms=20 fault=http500]]}, so the
 * control travels through Tollgate unchanged, like any other prompt text. {@code no_usage}: an
 * OpenAI-wire answer without its usage chunk, as some servers send; {@code ignore_limit}: an answer
 * longer than the request's max_tokens, as from a server that ignores it; {@code flaky=N}: the
 * first N requests with this exact query fail with a 500, later ones are answered; {@code echo}: the
 * answer is the query itself without the directive, word by word (what a model might repeat).
 */
record SimScript(int tokens, long ttftMs, long delayMs, Fault fault, int disconnectAfter, boolean noResults,
                 boolean noUsage, boolean ignoreLimit, int flaky, boolean echo) {

    enum Fault { NONE, HTTP500, HTTP429, STALL, DISCONNECT, UNKNOWN_SESSION }

    private static final Pattern DIRECTIVE = Pattern.compile("\\[\\[sim([^\\]]*)]]");

    static SimScript parse(String query) {
        Map<String, String> opts = new HashMap<>();
        Matcher m = DIRECTIVE.matcher(query == null ? "" : query);
        if (m.find()) {
            for (String pair : m.group(1).trim().split("\\s+")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    opts.put(pair.substring(0, eq), pair.substring(eq + 1));
                } else if (!pair.isBlank()) {
                    opts.put(pair, "true");
                }
            }
        }
        int disconnectAfter = Integer.parseInt(opts.getOrDefault("disconnect_after", "-1"));
        Fault fault = Fault.valueOf(opts.getOrDefault("fault", disconnectAfter >= 0 ? "disconnect" : "none").toUpperCase());
        return new SimScript(
                Integer.parseInt(opts.getOrDefault("tokens", "12")),
                Long.parseLong(opts.getOrDefault("ttft_ms", "0")),
                Long.parseLong(opts.getOrDefault("delay_ms", "5")),
                fault,
                disconnectAfter,
                opts.containsKey("no_results"),
                opts.containsKey("no_usage"),
                opts.containsKey("ignore_limit"),
                Integer.parseInt(opts.getOrDefault("flaky", "0")),
                opts.containsKey("echo"));
    }

    /** The same script producing at most {@code max} tokens (a direct token's budget). */
    SimScript capped(int max) {
        return ignoreLimit ? this
                : new SimScript(Math.min(tokens, max), ttftMs, delayMs, fault, disconnectAfter, noResults, noUsage, false, flaky, echo);
    }
}
