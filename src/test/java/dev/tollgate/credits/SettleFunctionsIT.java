package dev.tollgate.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Db;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The settlement functions where timing matters, driven through JDBC so the interleaving
 * is certain: a usage webhook's capture and the turn's own end meeting on one hold.
 */
class SettleFunctionsIT {

    private static final long GRANT = 1000;
    private static final long HELD = 100;

    private final String company = "settle-" + UUID.randomUUID();
    private final UUID turn = UUID.randomUUID();
    private final UUID session = UUID.randomUUID();
    private final ExecutorService second = Executors.newSingleThreadExecutor();

    @BeforeEach
    void aTurnHoldingCredits() throws SQLException {
        Db.execute("insert into chat_session (id, user_id, company_id, created_at, last_activity_at) values (?, 'u1', ?, now(), now())",
                session, company);
        try (Connection c = Db.connect(); PreparedStatement hold = c.prepareStatement("""
                select tollgate_reserve(?, ?, 'u1', ?, ?, 'sim-1', ?, 'TURN', now(), now() + interval '1 hour',
                                        date_trunc('day', now()), date_trunc('month', now()), ?)""")) {
            hold.setObject(1, turn);
            hold.setString(2, company);
            hold.setString(3, "req-" + turn);
            hold.setObject(4, session);
            hold.setLong(5, HELD);
            hold.setLong(6, GRANT);
            try (ResultSet answer = hold.executeQuery()) {
                answer.next();
                assertThat(answer.getString(1)).isEqualTo("HELD");
            }
        }
        Db.execute("insert into stream_slot (turn_id, company_id, user_id, started_at, expires_at) values (?, ?, 'u1', now(), now() + interval '1 hour')",
                turn, company);
    }

    @AfterEach
    void stop() {
        second.shutdownNow();
    }

    private static long settle(Connection connection, UUID turn, String status, Long actual) throws SQLException {
        try (PreparedStatement settle = connection.prepareStatement("select tollgate_settle(?, ?, ?, now())")) {
            settle.setObject(1, turn);
            settle.setString(2, status);
            settle.setObject(3, actual, java.sql.Types.BIGINT);
            try (ResultSet answer = settle.executeQuery()) {
                answer.next();
                return answer.getLong(1);
            }
        }
    }

    /** tollgate_end_turn as Settlements calls it: {captured, balance}. */
    private long[] endTurn(Long actual, String auditRow) throws SQLException {
        return endTurn(actual, auditRow, Instant.now());
    }

    private long[] endTurn(Long actual, String auditRow, Instant at) throws SQLException {
        try (Connection c = Db.connect(); PreparedStatement end = c.prepareStatement(
                "select * from tollgate_end_turn(?, ?, ?, ?, ?, cast(? as jsonb))")) {
            end.setObject(1, turn);
            end.setString(2, company);
            end.setObject(3, session);
            end.setObject(4, actual, java.sql.Types.BIGINT);
            end.setTimestamp(5, Timestamp.from(at));
            end.setString(6, auditRow);
            try (ResultSet answer = end.executeQuery()) {
                answer.next();
                return new long[] {answer.getLong(1), answer.getLong(2)};
            }
        }
    }

    private String auditRow(String outcome) {
        return auditRow(outcome, Instant.now());
    }

    private String auditRow(String outcome, Instant at) {
        return """
                {"occurred_at": "%s", "company_id": "%s", "user_id": "u1", "action": "chat.stream",
                 "request_id": "req-%s", "session_id": "%s", "outcome": "%s", "completion_tokens": 12}"""
                .formatted(at, company, turn, session, outcome);
    }

    private long balance() {
        return ((Number) Db.rows("select balance from credit_account where company_id = ?", company)
                .get(0).get("balance")).longValue();
    }

    private List<Map<String, Object>> entries() {
        return Db.rows("select kind, amount from ledger_entry where company_id = ? and kind <> 'GRANT' order by id", company);
    }

    @Test
    void aTurnEndingWhileAWebhookCapturesItsHoldShowsThatCaptureAndBooksNothingMore() throws Exception {
        long[] ended;
        try (Connection webhook = Db.connect()) {
            webhook.setAutoCommit(false);
            assertThat(settle(webhook, turn, "CAPTURED", 7L)).isEqualTo(7); // not yet committed

            Future<long[]> end = second.submit(() -> endTurn(9L, auditRow("ok")));
            // The turn's end waits on the hold's row.
            await().atMost(30, TimeUnit.SECONDS).until(() -> !Db.rows("""
                    select 1 from pg_stat_activity
                    where wait_event_type = 'Lock' and query like '%tollgate_end_turn%'""").isEmpty());
            webhook.commit();
            ended = end.get(30, TimeUnit.SECONDS);
        }

        assertThat(ended).containsExactly(7, GRANT - 7);
        assertThat(balance()).isEqualTo(GRANT - 7);
        assertThat(entries()).extracting(row -> row.get("kind") + " " + row.get("amount"))
                .containsExactly("RESERVE -100", "RELEASE 100", "CAPTURE -7");
        assertThat(Db.rows("select message_count, credits_used from chat_session where id = ?", session))
                .singleElement().satisfies(row -> {
                    assertThat(row.get("message_count")).isEqualTo(2);
                    assertThat(((Number) row.get("credits_used")).longValue()).isEqualTo(7);
                });
        assertThat(Db.rows("select action, credits from audit_event where company_id = ? order by id", company))
                .extracting(row -> row.get("action") + " " + row.get("credits"))
                .containsExactly("reservation.captured 7", "chat.stream 7");
        assertThat(Db.rows("select 1 from stream_slot where turn_id = ?", turn)).isEmpty();
    }

    @Test
    void anAnswerCapturesAtMostItsHoldAndGivesTheRestBack() throws SQLException {
        assertThat(endTurn(HELD + 50, auditRow("ok"))).containsExactly(HELD, GRANT - HELD);
        assertThat(endTurn(5L, auditRow("ok"))).as("a repeated end books nothing").containsExactly(HELD, GRANT - HELD);

        assertThat(entries()).extracting(row -> row.get("kind") + " " + row.get("amount"))
                .containsExactly("RESERVE -100", "RELEASE 100", "CAPTURE -100");
    }

    @Test
    void aTurnWithoutATokenReleasesItsHoldAndLeavesTheSessionAsItWas() throws SQLException {
        assertThat(endTurn(null, auditRow("upstream_error"))).containsExactly(0, GRANT);

        assertThat(entries()).extracting(row -> row.get("kind") + " " + row.get("amount"))
                .containsExactly("RESERVE -100", "RELEASE 100");
        assertThat(Db.rows("select status from credit_reservation where turn_id = ?", turn))
                .singleElement().satisfies(row -> assertThat(row.get("status")).isEqualTo("RELEASED"));
        assertThat(Db.rows("select message_count from chat_session where id = ?", session))
                .singleElement().satisfies(row -> assertThat(row.get("message_count")).isEqualTo(0));
        assertThat(Db.rows("select action, outcome, credits, completion_tokens from audit_event where company_id = ? order by id",
                company)).extracting(row -> row.get("action") + " " + row.get("outcome") + " " + row.get("credits")
                        + " " + row.get("completion_tokens"))
                .containsExactly("reservation.released ok 0 null", "chat.stream upstream_error null 12");
        assertThat(Db.rows("select 1 from stream_slot where turn_id = ?", turn)).isEmpty();
    }

    /** A clock off by years (or a restored database) still settles: the audit log takes a row of any time. */
    @ParameterizedTest
    @ValueSource(ints = {-730, 365})
    void aTurnEndsAndIsAuditedWhateverTheTime(int days) throws SQLException {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS).plus(Duration.ofDays(days));

        assertThat(endTurn(9L, auditRow("ok", at), at)).containsExactly(9, GRANT - 9);

        assertThat(Db.rows("select action, occurred_at from audit_event where company_id = ? order by id", company))
                .extracting(row -> row.get("action") + " " + ((Timestamp) row.get("occurred_at")).toInstant())
                .containsExactly("reservation.captured " + at, "chat.stream " + at);
        assertThat(Db.rows("select balance from credit_account where company_id = ?", company))
                .singleElement().satisfies(row -> assertThat(((Number) row.get("balance")).longValue()).isEqualTo(GRANT - 9));
    }
}
