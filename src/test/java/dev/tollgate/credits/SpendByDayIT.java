package dev.tollgate.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Db;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Users' spending added up by day (db/V17): a limit decides the same whether a month's days are
 * still in the ledger or already added up, and the servers add up the days that are over.
 */
class SpendByDayIT {

    private static final long MONTHLY_LIMIT = 360;

    @Test
    void aMonthlyLimitDecidesAlikeBeforeAndAfterTheDaysAreAddedUp() throws SQLException {
        String company = "spend-" + UUID.randomUUID();
        // One transaction, rolled back: the point up to which days are added up is the database's.
        try (Connection db = Db.connect()) {
            db.setAutoCommit(false);
            try {
                execute(db, "delete from user_spend_day");
                execute(db, "update spend_rollup set closed_before = '-infinity'");
                execute(db, "insert into credit_account (company_id, balance, updated_at) values (?, 1000000, now())", company);
                execute(db, "insert into user_limit (company_id, user_id, monthly_credits, updated_at) values (?, 'u1', ?, now())",
                        company, MONTHLY_LIMIT);
                for (int daysAgo = 1; daysAgo <= 9; daysAgo++) {
                    finishedTurn(db, company, "now() - interval '" + daysAgo + " days'");
                }
                entry(db, company, "RESERVE", -50, "now() - interval '1 day'"); // a hold still open counts
                finishedTurn(db, company, "now()");
                entry(db, company, "CAPTURE", -1000, "now() - interval '25 days'"); // before the period asked about

                // 10 answers at 30 each, and the open hold of 50
                assertThat(spentSinceMonthStart(db, company)).containsExactly(350L, 300L);
                assertThat(spentSince(db, company, "date_trunc('day', now(), 'UTC') - interval '20 days' + interval '1 second'"))
                        .as("an instant inside a day is summed from the ledger").containsExactly(350L, 300L);
                Savepoint before = db.setSavepoint();
                assertThat(holds(db, company)).containsExactly("MONTHLY_LIMIT", "HELD", "MONTHLY_LIMIT");
                db.rollback(before);

                assertThat(rollUp(db)).isPositive();
                assertThat(rows(db, "select day from user_spend_day where company_id = ?", company)).hasSize(10);
                assertThat(spentSinceMonthStart(db, company)).containsExactly(350L, 300L);
                assertThat(holds(db, company)).containsExactly("MONTHLY_LIMIT", "HELD", "MONTHLY_LIMIT");
                assertThat(rollUp(db)).as("no day is added up twice").isZero();
                assertThat(spentSinceMonthStart(db, company)).containsExactly(360L, 300L);
            } finally {
                db.rollback();
            }
        }
    }

    @Test
    void theServersAddUpTheDaysThatAreOver() throws SQLException {
        String company = "spend-" + UUID.randomUUID();
        Db.execute("insert into credit_account (company_id, balance, updated_at) values (?, 1000, now())", company);
        Db.execute("""
                insert into ledger_entry (company_id, kind, amount, user_id, idempotency_key, created_at)
                values (?, 'CAPTURE', -70, 'u1', ?, now() - interval '2 days')""", company, "capture:" + company);
        try (Connection db = Db.connect()) { // from the start again, as after the migration
            db.setAutoCommit(false);
            execute(db, "delete from user_spend_day");
            execute(db, "update spend_rollup set closed_before = '-infinity'");
            db.commit();
        }
        await().atMost(60, TimeUnit.SECONDS).until(() -> !Db.rows("""
                select 1 from spend_rollup where closed_before = date_trunc('day', now() - interval '1 hour', 'UTC')""").isEmpty());
        assertThat(Db.rows("""
                select spent, captured from user_spend_day
                where company_id = ? and user_id = 'u1' and day = ((now() - interval '2 days') at time zone 'UTC')::date""", company))
                .singleElement().satisfies(row -> {
                    assertThat(((Number) row.get("spent")).longValue()).isEqualTo(70);
                    assertThat(((Number) row.get("captured")).longValue()).isEqualTo(70);
                });
    }

    /** A hold of 11 is one too many, 10 fits exactly, and then nothing more does. */
    private static List<String> holds(Connection db, String company) throws SQLException {
        return List.of(hold(db, company, 11), hold(db, company, 10), hold(db, company, 1));
    }

    private static String hold(Connection db, String company, long credits) throws SQLException {
        try (PreparedStatement hold = db.prepareStatement("""
                select tollgate_reserve(?, ?, 'u1', null, null, 'sim-1', ?, 'TURN', now(), now() + interval '1 hour',
                                        date_trunc('day', now(), 'UTC'),
                                        date_trunc('day', now(), 'UTC') - interval '20 days', 0)""")) {
            hold.setObject(1, UUID.randomUUID());
            hold.setString(2, company);
            hold.setLong(3, credits);
            return single(hold).getString(1);
        }
    }

    private static void finishedTurn(Connection db, String company, String at) throws SQLException {
        entry(db, company, "RESERVE", -100, at);
        entry(db, company, "RELEASE", 100, at);
        entry(db, company, "CAPTURE", -30, at);
    }

    private static void entry(Connection db, String company, String kind, long amount, String at) throws SQLException {
        execute(db, "insert into ledger_entry (company_id, kind, amount, user_id, idempotency_key, created_at) "
                + "values (?, ?, ?, 'u1', ?, " + at + ")", company, kind, amount, UUID.randomUUID().toString());
    }

    private static List<Long> spentSinceMonthStart(Connection db, String company) throws SQLException {
        return spentSince(db, company, "date_trunc('day', now(), 'UTC') - interval '20 days'");
    }

    @Test
    void aServerWhoseClockRunsAheadClosesNoDayThatIsStillBeingWritten() throws SQLException {
        String company = "spend-" + UUID.randomUUID();
        try (Connection db = Db.connect()) {
            db.setAutoCommit(false);
            try {
                execute(db, "insert into credit_account (company_id, balance, updated_at) values (?, 1000000, now())", company);
                finishedTurn(db, company, "now()");

                try (PreparedStatement ahead = db.prepareStatement("select tollgate_roll_up_spend(now() + interval '365 days')")) {
                    single(ahead);
                }

                finishedTurn(db, company, "now()"); // an answer after that rollup, today
                try (PreparedStatement closed = db.prepareStatement(
                        "select closed_before <= date_trunc('day', now(), 'UTC') from spend_rollup")) {
                    assertThat(single(closed).getBoolean(1)).as("no day past today is closed").isTrue();
                }
                assertThat(spentSinceMonthStart(db, company)).as("both of today's answers count").containsExactly(60L, 60L);
            } finally {
                db.rollback();
            }
        }
    }

    private static List<Long> spentSince(Connection db, String company, String since) throws SQLException {
        try (PreparedStatement sum = db.prepareStatement(
                "select spent, captured from tollgate_spent_since(?, 'u1', " + since + ")")) {
            sum.setString(1, company);
            ResultSet row = single(sum);
            return List.of(row.getLong(1), row.getLong(2));
        }
    }

    private static int rollUp(Connection db) throws SQLException {
        try (PreparedStatement rollUp = db.prepareStatement("select tollgate_roll_up_spend(now())")) {
            return single(rollUp).getInt(1);
        }
    }

    private static ResultSet single(PreparedStatement statement) throws SQLException {
        ResultSet row = statement.executeQuery();
        assertThat(row.next()).isTrue();
        return row;
    }

    private static List<Object> rows(Connection db, String sql, Object param) throws SQLException {
        try (PreparedStatement query = db.prepareStatement(sql)) {
            query.setObject(1, param);
            try (ResultSet rs = query.executeQuery()) {
                List<Object> found = new java.util.ArrayList<>();
                while (rs.next()) {
                    found.add(rs.getObject(1));
                }
                return found;
            }
        }
    }

    private static void execute(Connection db, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.execute();
        }
    }
}
