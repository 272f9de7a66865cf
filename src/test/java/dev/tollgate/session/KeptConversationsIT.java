package dev.tollgate.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.simulator.LlmSimulator;
import dev.tollgate.testing.Api;
import dev.tollgate.testing.Chats;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.Simulator;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A native-front session on a model whose servers keep no history (sim-oa, OpenAI's wire):
 * Tollgate keeps the conversation, sealed, sends it with each turn, shows it, and deletes it with
 * the session.
 */
@ExtendWith(UsesSimulator.class)
class KeptConversationsIT {

    private final LlmSimulator sim = Simulator.get();

    @Test
    void theConversationIsKeptSealedSentWithEachTurnShownAndDeletedWithTheSession() {
        Client user = Client.freshUser();
        String marker = "kept-" + UUID.randomUUID();
        Api.Streamed first = user.stream(Map.of("query", "first " + marker + " [[sim tokens=3]]", "model", "sim-oa"));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        String session = first.only("meta").json().getString("session_id");
        String firstAnswer = Chats.text(first);

        await().until(() -> ((Number) Db.rows("select count(*) as n from session_message where session_id = ?::uuid",
                session).get(0).get("n")).intValue() == 2);
        Api.Streamed second = user.stream(Map.of("query", "second [[sim tokens=2]]", "model", "sim-oa",
                "session_id", session));
        assertThat(second.status()).as(second.body()).isEqualTo(200);

        List<JsonObject> sent = sim.openAiBody(second.requestId()).getJsonArray("messages").getValuesAs(JsonObject.class);
        assertThat(sent).extracting(m -> m.getString("role")).containsExactly("user", "assistant", "user");
        assertThat(sent).extracting(m -> m.getString("content"))
                .containsExactly("first " + marker + " [[sim tokens=3]]", firstAnswer, "second [[sim tokens=2]]");

        await().untilAsserted(() -> assertThat(user.read("/api/v1/sessions/" + session + "/messages")
                .getJsonArray("messages")).hasSize(4));
        assertThat(user.read("/api/v1/sessions/" + session + "/messages").getJsonArray("messages")
                .getJsonObject(0).getString("content")).contains(marker);
        assertThat(Db.rowsContaining(marker)).as("no table holds the text in the clear").isZero();
        assertThat(Db.rows("select distinct key_id from session_message where session_id = ?::uuid", session))
                .singleElement().satisfies(row -> assertThat(row.get("key_id")).isEqualTo("t2"));

        // the session keeps its kind: not moved to a model whose seed service could not read it
        Api.Streamed moved = user.stream(Map.of("query", "to the seed", "model", "sim-1", "session_id", session));
        assertThat(moved.status()).isEqualTo(409);
        assertThat(moved.problem().getString("type")).endsWith("history-not-kept");

        var deleted = Api.send(Api.request("/api/v1/sessions/" + session, user.token()).DELETE().build());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(Db.rows("select seq from session_message where session_id = ?::uuid", session)).isEmpty();
    }

    @Test
    void aSessionWhoseHistoryTheSeedServiceKeepsIsNotMovedToAStatelessModel() {
        Client user = Client.freshUser();
        String session = user.startSession();

        Api.Streamed moved = user.stream(Map.of("query", "move me", "model", "sim-oa", "session_id", session));

        assertThat(moved.status()).isEqualTo(409);
        assertThat(moved.problem().getString("type")).endsWith("history-not-kept");
    }
}
