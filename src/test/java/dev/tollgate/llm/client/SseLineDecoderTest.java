package dev.tollgate.llm.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseLineDecoderTest {

    private static List<String> decode(String... lines) {
        SseLineDecoder decoder = new SseLineDecoder();
        List<String> events = new ArrayList<>();
        for (String line : lines) {
            String event = decoder.accept(line);
            if (event != null) {
                events.add(event);
            }
        }
        return events;
    }

    @Test
    void aBlankLineEndsEachEvent() {
        assertThat(decode("data: {\"content\":\"a\"}", "", "data: [DONE]", ""))
                .containsExactly("{\"content\":\"a\"}", "[DONE]");
    }

    @Test
    void multipleDataLinesJoinWithNewlines() {
        assertThat(decode("data: first", "data:second", "")).containsExactly("first\nsecond");
    }

    @Test
    void commentsOtherFieldsAndStrayBlankLinesAreIgnored() {
        assertThat(decode(": keep-alive", "", "event: token", "id: 7", "retry: 10", "data: x", "", ""))
                .containsExactly("x");
    }

    @Test
    void anUnfinishedEventIsNotEmitted() {
        assertThat(decode("data: half")).isEmpty();
    }
}
