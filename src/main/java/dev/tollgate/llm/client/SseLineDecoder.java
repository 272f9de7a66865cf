package dev.tollgate.llm.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Reassembles Server-Sent Events from the bytes of a stream (WHATWG rules, the parts the LLM service
 * uses): lines end with CR, LF or CRLF (sse-starlette sends CRLF); {@code data:} lines accumulate, a
 * blank line ends the event, comments and other fields are ignored. A line is decoded as UTF-8 only
 * when it is whole, so a character split between two reads stays one character.
 */
final class SseLineDecoder {

    /** A line or an event longer than this is not an LLM token stream: the stream is refused. */
    static final int MAX_LENGTH = 1 << 20;

    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean afterCr;

    /** Feeds the bytes read; every event they complete goes to {@code events}, in order. */
    void feed(ByteBuffer bytes, Consumer<String> events) {
        while (bytes.hasRemaining()) {
            byte b = bytes.get();
            if (b == '\n' && afterCr) {
                afterCr = false; // the LF of a CRLF: the line already ended at the CR
                continue;
            }
            afterCr = b == '\r';
            if (b == '\r' || b == '\n') {
                String event = accept(new String(line, 0, lineLength, StandardCharsets.UTF_8));
                lineLength = 0;
                if (event != null) {
                    events.accept(event);
                }
            } else {
                append(b);
            }
        }
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            if (lineLength >= MAX_LENGTH) {
                throw new IllegalStateException("stream line longer than " + MAX_LENGTH + " bytes");
            }
            line = Arrays.copyOf(line, lineLength * 2);
        }
        line[lineLength++] = b;
    }

    /** Feeds one line (without its terminator); returns the event's data when the line ended one. */
    String accept(String line) {
        if (line.isEmpty()) {
            if (!hasData) {
                return null;
            }
            String event = data.toString();
            data.setLength(0);
            hasData = false;
            return event;
        }
        if (line.startsWith("data:")) {
            String value = line.substring(5);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            if (hasData) {
                data.append('\n');
            }
            if (data.length() + value.length() > MAX_LENGTH) {
                throw new IllegalStateException("stream event longer than " + MAX_LENGTH + " characters");
            }
            data.append(value);
            hasData = true;
        }
        return null;
    }
}
