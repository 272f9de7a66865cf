package dev.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.credits.HoldAsk;
import dev.tollgate.ratelimit.StreamAsk;
import dev.tollgate.testing.Db;
import dev.tollgate.turn.Admissions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The database functions Tollgate calls, as PostgreSQL holds them (pg_proc) against the Java side
 * that calls them and the files that define them: each function has one current definition, in a
 * repeatable migration (db/R__*.sql), and every call passes the arguments the function takes.
 */
class DatabaseFunctionsIT {

    private static final Pattern DEFINED = Pattern.compile("CREATE OR REPLACE FUNCTION (tollgate_\\w+)\\(");
    private static final Pattern CALLED = Pattern.compile("(tollgate_\\w+)\\(((?:[^()]|\\([^()]*\\))*)\\)");

    /** Input argument names of each tollgate_ function, in order. */
    private static Map<String, List<String>> functions() {
        Map<String, List<String>> inputs = new HashMap<>();
        for (Map<String, Object> row : Db.rows("""
                select p.proname as name, coalesce(array_to_string(p.proargnames, ','), '') as names,
                       coalesce(array_to_string(p.proargmodes, ','), '') as modes, p.pronargs as count
                from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                where n.nspname = 'public' and p.proname like 'tollgate\\_%'""")) {
            String[] names = ((String) row.get("names")).split(",");
            String[] modes = ((String) row.get("modes")).split(",");
            List<String> in = new ArrayList<>();
            for (int i = 0; i < names.length; i++) {
                if (modes.length <= 1 && modes[0].isEmpty() || modes[i].equals("i")) {
                    in.add(names[i]);
                }
            }
            assertThat(in).as("%s's inputs", row.get("name")).hasSize(((Number) row.get("count")).intValue());
            assertThat(inputs.put((String) row.get("name"), in)).as("%s is not overloaded", row.get("name")).isNull();
        }
        return inputs;
    }

    private static List<String> stems(List<String> names) {
        return names.stream().map(n -> n.substring(n.indexOf('_') + 1)).toList();
    }

    private static List<String> stemsOf(String arguments) {
        return Arrays.stream(arguments.split(",")).map(String::trim).map(a -> a.substring(a.indexOf('_') + 1)).toList();
    }

    @Test
    void everyFunctionHasOneCurrentDefinitionInARepeatableMigration() throws IOException {
        Map<String, List<Path>> definedIn = new HashMap<>();
        try (Stream<Path> files = Files.list(Path.of("db"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("R__")).toList()) {
                Matcher defined = DEFINED.matcher(Files.readString(file));
                while (defined.find()) {
                    definedIn.computeIfAbsent(defined.group(1), name -> new ArrayList<>()).add(file);
                }
            }
        }
        Map<String, List<String>> functions = functions();
        assertThat(functions).isNotEmpty();
        for (String name : functions.keySet()) {
            assertThat(definedIn.get(name)).as("%s is defined in one R__ file", name).hasSize(1);
        }
        assertThat(definedIn.keySet()).as("every R__ definition exists in the database").isSubsetOf(functions.keySet());
    }

    @Test
    void theNamedArgumentListsAreTheFunctionsOwn() {
        Map<String, List<String>> functions = functions();
        assertThat(stemsOf(StreamAsk.ARGUMENTS)).isEqualTo(stems(functions.get("tollgate_open_stream")));
        assertThat(stemsOf(HoldAsk.ARGUMENTS)).isEqualTo(stems(functions.get("tollgate_reserve")));
        List<String> admission = new ArrayList<>(stemsOf(StreamAsk.ARGUMENTS));
        admission.addAll(stemsOf(HoldAsk.ARGUMENTS));
        admission.addAll(stemsOf(Admissions.OPENING));
        admission.addAll(stemsOf(Admissions.KEPT));
        assertThat(admission).isEqualTo(stems(functions.get("tollgate_admit")));
    }

    @Test
    void everyCallFromJavaPassesAsManyArgumentsAsItsFunctionTakes() throws IOException {
        Map<String, List<String>> functions = functions();
        Map<String, String> named = Map.of("StreamAsk.ARGUMENTS", StreamAsk.ARGUMENTS, "HoldAsk.ARGUMENTS", HoldAsk.ARGUMENTS,
                "OPENING", Admissions.OPENING, "KEPT", Admissions.KEPT);
        List<String> calls = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                // the statement as it reads once its string pieces are joined
                String code = Files.readString(source);
                for (var constant : named.entrySet()) {
                    code = code.replaceAll("\"\\s*\\+\\s*" + Pattern.quote(constant.getKey()) + "\\s*\\+\\s*\"",
                            Matcher.quoteReplacement(constant.getValue()));
                }
                code = code.replaceAll("\"\\s*\\+\\s*\"", "");
                Matcher call = CALLED.matcher(code);
                while (call.find()) {
                    String name = call.group(1);
                    if (!functions.containsKey(name) || !call.group(2).matches("(?s).*[?:].*")) {
                        continue; // a mention in a comment, not a call
                    }
                    String arguments = call.group(2).replaceAll("cast\\(([^()]*) as \\w+\\)", "$1");
                    int count = arguments.isBlank() ? 0 : arguments.split(",").length;
                    assertThat(count).as("%s calls %s(%s)", source.getFileName(), name, call.group(2))
                            .isEqualTo(functions.get(name).size());
                    calls.add(name);
                }
            }
        }
        assertThat(calls).contains("tollgate_reserve", "tollgate_admit", "tollgate_settle",
                "tollgate_end_turn", "tollgate_insert_audit", "tollgate_roll_up_spend", "tollgate_spent_since",
                "tollgate_audit_upkeep");
    }
}
