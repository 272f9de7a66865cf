package dev.tollgate.llm.client;

/**
 * Reassembles Server-Sent Events from lines (WHATWG rules, the parts the LLM service uses):
 * {@code data:} lines accumulate, a blank line ends the event, comments and other fields are ignored.
 */
final class SseLineDecoder {

    private final StringBuilder data = new StringBuilder();
    private boolean hasData;

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
            data.append(value);
            hasData = true;
        }
        return null;
    }
}
