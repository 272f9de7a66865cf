package dev.tollgate.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.testing.Db;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A turn admitted in one statement (db/R__admission.sql), on a session that exists or on one it
 * opens: what each answer leaves behind, read straight from the tables. Through HTTP the same
 * refusals are 404, 402 and 429.
 */
class AdmitFunctionIT {

    private final String company = "admit-" + UUID.randomUUID();
    private final UUID session = UUID.randomUUID();
    private UUID turn = UUID.randomUUID();

    @BeforeEach
    void aSessionOfUserOne() {
        Db.execute("insert into chat_session (id, user_id, company_id, created_at, last_activity_at) values (?, 'u1', ?, now(), now())",
                session, company);
    }

    /** tollgate_admit for {@code user} on the session: 100 credits held from a pool granted {@code grant}. */
    private String admit(String user, long grant, int companyStreams) throws SQLException {
        return admit(user, grant, companyStreams, session, null, null);
    }

    private String admit(String user, long grant, int companyStreams, UUID sessionId, String opening) throws SQLException {
        return admit(user, grant, companyStreams, sessionId, opening, null);
    }

    /**
     * tollgate_admit on {@code sessionId}, which the turn opens when {@code opening} (its audit row)
     * is given; {@code kept}: whether Tollgate keeps the session's conversation (null: no matter).
     */
    private String admit(String user, long grant, int companyStreams, UUID sessionId, String opening, Boolean kept)
            throws SQLException {
        try (Connection c = Db.connect(); PreparedStatement admit = c.prepareStatement("""
                select tollgate_admit(?, ?, ?, now(), now() + interval '15 minutes', date_trunc('minute', now()),
                                      100, 100, 10, ?,
                                      ?, ?, ?, ?, ?, 'sim-1', 100, 'TURN', now(), now() + interval '1 hour',
                                      date_trunc('day', now()), date_trunc('month', now()), ?, cast(? as jsonb),
                                      cast(? as boolean))""")) {
            admit.setObject(1, turn);
            admit.setString(2, company);
            admit.setString(3, user);
            admit.setInt(4, companyStreams);
            admit.setObject(5, turn);
            admit.setString(6, company);
            admit.setString(7, user);
            admit.setString(8, "req-" + turn);
            admit.setObject(9, sessionId);
            admit.setLong(10, grant);
            admit.setString(11, opening);
            admit.setObject(12, kept);
            try (ResultSet answer = admit.executeQuery()) {
                answer.next();
                return answer.getString(1);
            }
        }
    }

    private long requestsCounted(String user) {
        return Db.rows("select requests from rate_window where subject = ?", "user:" + company + "/" + user).stream()
                .mapToLong(row -> ((Number) row.get("requests")).longValue()).sum();
    }

    private boolean slotTaken() {
        return !Db.rows("select 1 from stream_slot where turn_id = ?", turn).isEmpty();
    }

    private boolean held() {
        return !Db.rows("select 1 from credit_reservation where turn_id = ? and status = 'OPEN'", turn).isEmpty();
    }

    @Test
    void theOwnersTurnIsCountedGivenASlotAndHeld() throws SQLException {
        assertThat(admit("u1", 1000, 10)).isEqualTo("HELD");

        assertThat(requestsCounted("u1")).isEqualTo(1);
        assertThat(slotTaken()).isTrue();
        assertThat(held()).isTrue();
        assertThat(Db.rows("select balance from credit_account where company_id = ?", company))
                .singleElement().satisfies(row -> assertThat(((Number) row.get("balance")).longValue()).isEqualTo(900));
    }

    @Test
    void someoneElsesSessionIsRefusedWithNoSlotAndNoHold() throws SQLException {
        assertThat(admit("u2", 1000, 10)).isEqualTo("NO_SESSION");

        assertThat(requestsCounted("u2")).isEqualTo(1); // as any refused request after its count
        assertThat(slotTaken()).isFalse();
        assertThat(held()).isFalse();
        assertThat(Db.rows("select 1 from ledger_entry where request_id = ?", "req-" + turn)).isEmpty();
    }

    private static String openingRow(UUID sessionId, String company, String user) {
        return """
                {"occurred_at": "%s", "action": "session.create", "outcome": "ok",
                 "company_id": "%s", "user_id": "%s", "session_id": "%s"}""".formatted(java.time.Instant.now(), company, user, sessionId);
    }

    @Test
    void aTurnThatOpensASessionCreatesItsMirrorAndAuditsItInTheSameStatement() throws SQLException {
        UUID opened = UUID.randomUUID();

        assertThat(admit("u1", 1000, 10, opened, openingRow(opened, company, "u1"))).isEqualTo("HELD");

        assertThat(Db.rows("select user_id, company_id, message_count from chat_session where id = ?", opened))
                .singleElement().satisfies(row -> {
                    assertThat(row.get("user_id")).isEqualTo("u1");
                    assertThat(row.get("company_id")).isEqualTo(company);
                    assertThat(((Number) row.get("message_count")).intValue()).isZero();
                });
        assertThat(Db.rows("select action from audit_event where session_id = ?", opened))
                .extracting(row -> row.get("action")).containsExactly("session.create");
        assertThat(slotTaken()).isTrue();
        assertThat(held()).isTrue();
    }

    @Test
    void aSessionKeepsItsKindAndIsRefusedOnTheOtherWithNoSlotAndNoHold() throws SQLException {
        UUID opened = UUID.randomUUID();
        assertThat(admit("u1", 1000, 10, opened, openingRow(opened, company, "u1"), true)).isEqualTo("HELD");
        assertThat(Db.rows("select kept from chat_session where id = ?", opened)).singleElement()
                .satisfies(row -> assertThat(row.get("kept")).isEqualTo(true));
        turn = UUID.randomUUID();

        assertThat(admit("u1", 1000, 10, opened, null, false)).isEqualTo("OTHER_KIND");
        assertThat(slotTaken()).isFalse();
        assertThat(held()).isFalse();
        assertThat(admit("u1", 1000, 10, opened, null, null)).as("a client that sends its conversation").isEqualTo("HELD");
    }

    @Test
    void aRefusedTurnOpensNoSession() throws SQLException {
        UUID opened = UUID.randomUUID();

        assertThat(admit("u1", 50, 10, opened, openingRow(opened, company, "u1"))).isEqualTo("INSUFFICIENT_CREDITS");

        assertThat(Db.rows("select 1 from chat_session where id = ?", opened)).isEmpty();
        assertThat(Db.rows("select 1 from audit_event where session_id = ?", opened)).isEmpty();
        assertThat(slotTaken()).isFalse();
        assertThat(requestsCounted("u1")).isEqualTo(1);
    }

    @Test
    void aPoolThatCannotPayLeavesNoSlot() throws SQLException {
        assertThat(admit("u1", 50, 10)).isEqualTo("INSUFFICIENT_CREDITS");

        assertThat(slotTaken()).isFalse();
        assertThat(held()).isFalse();
    }

    @Test
    void aCompanyWithAllItsStreamsOpenRaisesItsLimitAndKeepsNothing() {
        Db.execute("insert into stream_slot (turn_id, company_id, user_id, started_at, expires_at) "
                + "values (?, ?, 'u3', now(), now() + interval '1 hour')", UUID.randomUUID(), company);

        SQLException refused = catchThrowableOfType(SQLException.class, () -> admit("u1", 1000, 1));

        assertThat(refused.getSQLState()).isEqualTo("TG003");
        assertThat(requestsCounted("u1")).isZero();
        assertThat(slotTaken()).isFalse();
        assertThat(held()).isFalse();
    }
}
