package dev.tollgate.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.platform.JsonFormat;
import java.io.StringReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A token event's data is written by hand for speed; it must be the JSON the protocol documents. */
class TokenJsonTest {

    @ParameterizedTest
    @ValueSource(strings = {"plain", "", " leading space", "quote \" and backslash \\", "line\nbreak\r\ttab",
            "control \u0001\u001f", "</script><script>", "unicode é 漢字 😀", "{\"content\":\"nested\"}"})
    void aTokensDataIsWhatJsonbWritesForTheTokenEvent(String content) {
        String written = SseFrames.tokenJson(content);

        assertThat(written).isEqualTo(JsonFormat.JSONB.toJson(new StreamEvents.Token(content)));
        assertThat(JsonFormat.JSON.createReader(new StringReader(written)).readObject().getString("content"))
                .isEqualTo(content);
        assertThat(written).doesNotContain("\n", "\r"); // one SSE data line
    }
}
