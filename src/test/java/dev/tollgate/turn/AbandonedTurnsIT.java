package dev.tollgate.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Chats;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.Simulator;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server that died mid-answer leaves a hold nobody settles. The test leaves one the way such a
 * server would (the conditional update done, the RESERVE entry written, an hour ago); the test
 * server sweeps holds older than two minutes every half second.
 */
@ExtendWith(UsesSimulator.class)
class AbandonedTurnsIT {

    private static long balance(String company) {
        return ((Number) Db.rows("select balance from credit_account where company_id = ?", company)
                .get(0).get("balance")).longValue();
    }

    /** The hold's status, after checking its expiry was audited with the settlement. */
    private static Object statusOf(String requestId) {
        assertThat(Db.rows("select 1 from audit_event where request_id = ? and action = 'reservation.expired'", requestId))
                .hasSize(1);
        return Db.rows("select status from credit_reservation where request_id = ?", requestId).get(0).get("status");
    }

    /** Returns the request id of the abandoned hold of 50 credits. */
    private static String abandonHold(DevJwt user) {
        String requestId = "crashed-" + UUID.randomUUID();
        String turn = UUID.randomUUID().toString();
        Db.rows("update credit_account set balance = balance - 50 where company_id = ? returning balance", user.company());
        Db.rows("insert into ledger_entry (company_id, kind, amount, request_id, user_id, model, idempotency_key, created_at) "
                + "values (?, 'RESERVE', -50, ?, ?, 'sim-1', ?, now() - interval '1 hour') returning id",
                user.company(), requestId, user.subject(), "reserve:" + turn);
        Db.rows("insert into credit_reservation (turn_id, purpose, company_id, user_id, request_id, model, amount, status, "
                + "created_at, expires_at) values (?::uuid, 'TURN', ?, ?, ?, 'sim-1', 50, 'OPEN', now() - interval '1 hour', "
                + "now() - interval '58 minutes') returning turn_id", turn, user.company(), user.subject(), requestId);
        return requestId;
    }

    private static DevJwt userWithPool() {
        DevJwt user = TestEnv.newUser();
        assertThat(Chats.stream(Client.as(user).token(), "open the pool [[sim tokens=1]]").status()).isEqualTo(200);
        return user;
    }

    @Test
    void anAbandonedHoldIsCapturedAtWhatTheLlmServiceReports() {
        DevJwt user = userWithPool();
        await().until(() -> !Db.rows("select id from audit_event where user_id = ? and action = 'chat.stream'", user.subject()).isEmpty());
        long before = balance(user.company());
        String requestId = abandonHold(user);
        Simulator.get().recordUsage(requestId, 1000, 1000); // 10 + 30 credits for sim-1

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                Db.rows("select kind, amount from ledger_entry where request_id = ? order by id", requestId))
                .extracting(row -> row.get("kind")).containsExactly("RESERVE", "RELEASE", "CAPTURE"));
        assertThat(balance(user.company())).isEqualTo(before - 40);
        assertThat(statusOf(requestId)).isEqualTo("EXPIRED");
        assertThat(Db.rows("select sum(amount) as total from ledger_entry where company_id = ?", user.company())
                .get(0).get("total")).satisfies(total -> assertThat(((Number) total).longValue()).isEqualTo(before - 40));
    }

    @Test
    void anAbandonedHoldTheLlmServiceKnowsNothingOfIsReleased() {
        DevJwt user = userWithPool();
        await().until(() -> !Db.rows("select id from audit_event where user_id = ? and action = 'chat.stream'", user.subject()).isEmpty());
        long before = balance(user.company());
        String requestId = abandonHold(user);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                Db.rows("select kind from ledger_entry where request_id = ? order by id", requestId))
                .extracting(row -> row.get("kind")).containsExactly("RESERVE", "RELEASE"));
        assertThat(balance(user.company())).isEqualTo(before);
        assertThat(statusOf(requestId)).isEqualTo("EXPIRED");
    }
}
