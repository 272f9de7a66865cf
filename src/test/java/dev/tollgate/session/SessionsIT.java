package dev.tollgate.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.simulator.LlmSimulator;
import dev.tollgate.testing.Api;
import dev.tollgate.testing.Chats;
import dev.tollgate.testing.Simulator;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(UsesSimulator.class)
class SessionsIT {

    private final LlmSimulator sim = Simulator.get();

    private static String create(String token) {
        var response = Api.send(Api.request("/api/v1/sessions", token)
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertThat(response.statusCode()).isEqualTo(201);
        JsonObject body = Api.parse(response.body());
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/api/v1/sessions/" + body.getString("session_id")));
        assertThat(body.getString("created_at")).isNotBlank();
        return body.getString("session_id");
    }

    @Test
    void aCreatedSessionExistsUpstreamAndInTheMirror() {
        String token = Chats.token();
        String id = create(token);

        assertThat(sim.hasSession(id)).isTrue();
        JsonObject view = Api.parse(Api.get("/api/v1/sessions/" + id, token).body());
        assertThat(view.getString("session_id")).isEqualTo(id);
        assertThat(view.getInt("message_count")).isZero();
        assertThat(view.getString("last_activity_at")).isNotBlank();
    }

    @Test
    void theListIsTheCallersOwnNewestFirstInCursorPages() {
        String token = Chats.token();
        List<String> created = new ArrayList<>(List.of(create(token), create(token), create(token)));
        create(Chats.token()); // someone else's

        JsonObject first = Api.parse(Api.get("/api/v1/sessions?limit=2", token).body());
        JsonObject second = Api.parse(Api.get("/api/v1/sessions?limit=2&cursor=" + first.getString("next_cursor"), token).body());

        List<String> listed = new ArrayList<>();
        first.getJsonArray("items").getValuesAs(JsonObject.class).forEach(s -> listed.add(s.getString("session_id")));
        second.getJsonArray("items").getValuesAs(JsonObject.class).forEach(s -> listed.add(s.getString("session_id")));
        java.util.Collections.reverse(created);
        assertThat(listed).containsExactlyElementsOf(created);
        assertThat(second.containsKey("next_cursor")).isFalse();
    }

    @Test
    void historyComesFromTheLlmService() {
        String token = Chats.token();
        String id = Chats.startSession(token);

        JsonObject history = Api.parse(Api.get("/api/v1/sessions/" + id + "/messages", token).body());

        assertThat(history.getJsonArray("messages").getValuesAs(JsonObject.class))
                .extracting(m -> m.getString("role")).containsExactly("user", "assistant");
        assertThat(history.getJsonArray("messages").getJsonObject(0).getString("content")).startsWith("hello");
    }

    @Test
    void deletingRemovesItUpstreamAndFromTheMirror() {
        String token = Chats.token();
        String id = create(token);

        assertThat(Api.send(Api.request("/api/v1/sessions/" + id, token).DELETE().build()).statusCode()).isEqualTo(204);

        assertThat(sim.hasSession(id)).isFalse();
        assertThat(Api.get("/api/v1/sessions/" + id, token).statusCode()).isEqualTo(404);
    }

    @Test
    void someoneElsesSessionIsNotFoundOnEveryRoute() {
        String id = create(Chats.token());
        String stranger = Chats.token();

        assertThat(Api.get("/api/v1/sessions/" + id, stranger).statusCode()).isEqualTo(404);
        assertThat(Api.get("/api/v1/sessions/" + id + "/messages", stranger).statusCode()).isEqualTo(404);
        assertThat(Api.send(Api.request("/api/v1/sessions/" + id, stranger).DELETE().build()).statusCode()).isEqualTo(404);
        assertThat(sim.hasSession(id)).isTrue();
    }

    @Test
    void aMalformedIdOrCursorIsAClientError() {
        String token = Chats.token();
        assertThat(Api.get("/api/v1/sessions/not-a-uuid", token).statusCode()).isEqualTo(404);
        var badCursor = Api.get("/api/v1/sessions?cursor=zzz", token);
        assertThat(badCursor.statusCode()).isEqualTo(400);
        assertThat(badCursor.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void aCompanyAdminListsTheCompanysSessionsAndNoOtherCompanys() {
        dev.tollgate.testing.DevJwt alice = dev.tollgate.testing.TestEnv.newUser();
        var keys = dev.tollgate.testing.TestEnv.keysDir();
        String alices = create(alice.sign(keys));
        String bobs = create(dev.tollgate.testing.TestEnv.newUser().company(alice.company()).sign(keys));
        create(Chats.token()); // another company's
        String admin = dev.tollgate.testing.TestEnv.newUser().company(alice.company())
                .roles(List.of("user", "company_admin")).sign(keys);

        var listed = Api.parse(Api.get("/api/v1/admin/sessions", admin).body()).getJsonArray("items");
        assertThat(listed.stream().map(v -> v.asJsonObject().getString("session_id")).toList())
                .containsExactlyInAnyOrder(alices, bobs);
        assertThat(Api.get("/api/v1/admin/sessions", alice.sign(keys)).statusCode()).isEqualTo(403);
        // an admin sees metadata, not the conversation: the session itself is still its user's alone
        assertThat(Api.get("/api/v1/sessions/" + alices, admin).statusCode()).isEqualTo(404);
    }
}
