package dev.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The error vocabulary and its documentation say the same: every type documented, nothing more. */
class ProblemTypeTest {

    private static final Pattern ROW = Pattern.compile("^\\| `([a-z_]+)` \\| (\\d+|as answered) \\| ([^|]+) \\|", Pattern.MULTILINE);

    @Test
    void everyTypeIsDocumentedInStreamingMdWithItsStatusAndTitle() throws IOException {
        String docs = Files.readString(Path.of("docs/streaming.md"));
        var documented = new java.util.HashMap<String, String>();
        Matcher row = ROW.matcher(docs.substring(docs.indexOf("## Error types")));
        while (row.find()) {
            documented.put(row.group(1), row.group(2) + " " + row.group(3).trim());
        }
        assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(ProblemType.values()).map(ProblemType::code).collect(Collectors.toSet()));
        for (ProblemType type : ProblemType.values()) {
            String status = type.status() == 0 ? "as answered" : String.valueOf(type.status());
            assertThat(documented.get(type.code())).as(type.code()).isEqualTo(status + " " + type.title());
        }
    }

    @Test
    void codesAndUrisAreDistinctAndStable() {
        assertThat(ProblemType.LLM_TIMEOUT.code()).isEqualTo("llm_timeout");
        assertThat(ProblemType.LLM_TIMEOUT.uri()).isEqualTo("https://tollgate.dev/problems/llm-timeout");
        assertThat(Arrays.stream(ProblemType.values()).map(ProblemType::uri)).doesNotHaveDuplicates();
        assertThat(ProblemType.ofStatus(401)).isEqualTo(ProblemType.UNAUTHORIZED);
        assertThat(ProblemType.ofStatus(408)).isEqualTo(ProblemType.REFUSED);
    }
}
