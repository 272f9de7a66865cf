package dev.tollgate.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Db;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The hold function (db/V13) where timing matters, driven straight through JDBC so the
 * interleaving is certain rather than likely: two first-ever holds of one company.
 */
class ReserveFunctionIT {

    private static final long INITIAL_GRANT = 1000;

    private static String reserve(Connection connection, String company, long credits) throws SQLException {
        try (PreparedStatement hold = connection.prepareStatement("""
                select tollgate_reserve(?, ?, 'user-1', null, null, 'sim-1', ?, 'TURN', now(),
                                        now() + interval '1 hour', date_trunc('day', now()),
                                        date_trunc('month', now()), ?)""")) {
            hold.setObject(1, UUID.randomUUID());
            hold.setString(2, company);
            hold.setLong(3, credits);
            hold.setLong(4, INITIAL_GRANT);
            try (ResultSet answer = hold.executeQuery()) {
                answer.next();
                return answer.getString(1);
            }
        }
    }

    @Test
    void aHoldThatMeetsAnotherOpeningTheCompanysPoolTakesFromThatPool() throws Exception {
        String company = "race-" + UUID.randomUUID();
        ExecutorService second = Executors.newSingleThreadExecutor();
        try (Connection opening = Db.connect(); Connection meeting = Db.connect()) {
            opening.setAutoCommit(false);
            assertThat(reserve(opening, company, 10)).isEqualTo("HELD"); // the pool exists, not yet committed

            Future<String> met = second.submit(() -> reserve(meeting, company, 10));
            // The second hold found no pool to take from and now waits on the first one's new row.
            await().atMost(30, TimeUnit.SECONDS).until(() -> !Db.rows("""
                    select 1 from pg_stat_activity
                    where wait_event_type = 'Lock' and query like '%tollgate_reserve%'""").isEmpty());
            opening.commit();

            assertThat(met.get(30, TimeUnit.SECONDS)).isEqualTo("HELD");
        } finally {
            second.shutdownNow();
        }
        assertThat(Db.rows("select balance from credit_account where company_id = ?", company))
                .singleElement().satisfies(row -> assertThat(((Number) row.get("balance")).longValue()).isEqualTo(980));
        assertThat(Db.rows("select 1 from ledger_entry where company_id = ? and kind = 'GRANT'", company)).hasSize(1);
    }
}
