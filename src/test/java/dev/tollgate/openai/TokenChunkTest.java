package dev.tollgate.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.platform.JsonFormat;
import java.io.StringReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A token's chunk is written by hand for speed; it must be the chunk OpenAI's format describes. */
class TokenChunkTest {

    @ParameterizedTest
    @ValueSource(strings = {"plain", "", " leading space", "quote \" and backslash \\", "line\nbreak\ttab",
            "control \u0001", "unicode é 漢字 😀", "}]}"})
    void aTokensChunkIsTheChunkJsonPWouldBuild(String text) {
        Completions.Ids ids = Completions.Ids.of("req-\"1\"", 1_700_000_000L, "sim-1");

        String written = ChunkFrames.tokenChunk(ChunkFrames.tokenPrefix(ids), text);

        var expected = ids.frame().add("choices", JsonFormat.JSON.createArrayBuilder().add(JsonFormat.JSON
                .createObjectBuilder().add("index", 0).add("delta", JsonFormat.JSON.createObjectBuilder().add("content", text))
                .addNull("finish_reason"))).build();
        assertThat(JsonFormat.JSON.createReader(new StringReader(written)).readObject()).isEqualTo(expected);
    }
}
