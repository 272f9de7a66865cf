package dev.tollgate.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.Front;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A chat request retried with the same Idempotency-Key is the same turn: held and paid once; and a
 * turn whose hold was given back (it failed before its answer began) cannot be taken again. On
 * either front.
 */
@ExtendWith(UsesSimulator.class)
class IdempotentTurnsIT {

    private static Api.Streamed ask(Front front, String token, String query, String key) {
        return front.stream(token, query, Map.of("Idempotency-Key", key));
    }

    private static List<String> kinds(DevJwt user) {
        return Client.as(user).ledger().stream().map(entry -> entry.getString("kind")).toList();
    }

    private static long balance(DevJwt user) {
        return Client.as(user).balance();
    }

    @ParameterizedTest
    @EnumSource(Front.class)
    void aRetriedTurnIsAnsweredAgainButHeldAndPaidOnce(Front front) {
        DevJwt user = TestEnv.newUser();
        String token = Client.as(user).token();

        Api.Streamed first = ask(front, token, "once [[sim tokens=3]]", "turn-1");
        assertThat(first.status()).isEqualTo(200);
        long afterFirst = balance(user);
        Api.Streamed again = ask(front, token, "once [[sim tokens=3]]", "turn-1");

        assertThat(again.status()).isEqualTo(200);
        assertThat(front.text(again)).isEqualTo(front.text(first)).isNotEmpty();
        assertThat(balance(user)).isEqualTo(afterFirst).isLessThan(1000);
        assertThat(kinds(user)).containsOnlyOnce("RESERVE", "CAPTURE");
        assertThat(Client.as(user).reservations(null)).extracting(hold -> hold.getString("status"))
                .containsExactly("captured");
    }

    @ParameterizedTest
    @EnumSource(Front.class)
    void aKeyWhoseTurnFailedBeforeItsAnswerIsSpent(Front front) {
        DevJwt user = TestEnv.newUser();
        String token = Client.as(user).token();
        assertThat(ask(front, token, "busy [[sim fault=http429]]", "turn-2").status()).isEqualTo(429);

        Api.Streamed retried = ask(front, token, "busy no more [[sim tokens=1]]", "turn-2");

        assertThat(retried.status()).isEqualTo(409);
        assertThat(front.code(retried)).isEqualTo("idempotency_key_spent");
        assertThat(retried.response().headers().firstValue("X-Request-Id")).isPresent();
        assertThat(balance(user)).isEqualTo(1000);
        assertThat(kinds(user)).containsExactly("GRANT", "RESERVE", "RELEASE");
        assertThat(ask(front, token, "new key [[sim tokens=1]]", "turn-3").status()).isEqualTo(200);
        // the refusal kept no stream slot: once the last answer is done, the user has none
        await().untilAsserted(() ->
                assertThat(Db.rows("select turn_id from stream_slot where user_id = ?", user.subject())).isEmpty());
    }
}
