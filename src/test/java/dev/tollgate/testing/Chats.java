package dev.tollgate.testing;

import java.util.Map;

/** Short-hands for the chats most tests need. */
public final class Chats {

    private Chats() {
    }

    /** A fresh user's token. */
    public static String token() {
        return Client.freshUser().token();
    }

    public static Api.Streamed stream(String token, String query) {
        return Api.chatStream(token, Map.of("query", query));
    }

    /** Starts a session with one short turn and returns its id. */
    public static String startSession(String token) {
        Api.Streamed first = stream(token, "hello [[sim tokens=1]]");
        if (first.status() != 200) {
            throw new AssertionError("could not start a session: " + first.status() + " " + first.body());
        }
        return first.only("meta").json().getString("session_id");
    }

    /** Concatenated token contents of an SSE answer. */
    public static String text(Api.Streamed answer) {
        StringBuilder text = new StringBuilder();
        answer.named("token").forEach(e -> text.append(e.json().getString("content")));
        return text.toString();
    }
}
