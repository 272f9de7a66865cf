package dev.tollgate.llm.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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

    /** Feeds the stream's bytes cut into reads of {@code size} bytes. */
    private static List<String> feed(String stream, int size) {
        SseLineDecoder decoder = new SseLineDecoder();
        List<String> events = new ArrayList<>();
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        for (int at = 0; at < bytes.length; at += size) {
            decoder.feed(ByteBuffer.wrap(bytes, at, Math.min(size, bytes.length - at)), events::add);
        }
        return events;
    }

    @Test
    void linesEndWithLfCrlfOrCrAlone() {
        String stream = "data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: [DONE]\r\n\r\n";
        assertThat(feed(stream, 1000)).containsExactly("a", "b", "c", "[DONE]");
        assertThat(feed(stream, 1)).containsExactly("a", "b", "c", "[DONE]");
    }

    @Test
    void aCharacterSplitBetweenReadsStaysWhole() {
        String stream = "data: {\"content\":\"Grüße 日本 🙂\"}\r\n\r\n";
        for (int size = 1; size <= 4; size++) {
            assertThat(feed(stream, size)).containsExactly("{\"content\":\"Grüße 日本 🙂\"}");
        }
    }

    @Test
    void anEndlessLineIsRefusedInsteadOfFillingMemory() {
        SseLineDecoder decoder = new SseLineDecoder();
        ByteBuffer endless = ByteBuffer.wrap("x".repeat(SseLineDecoder.MAX_LENGTH + 1).getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> decoder.feed(endless, event -> { })).isInstanceOf(IllegalStateException.class);
    }
}
