package dev.tollgate.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The audit log's partitions as the server keeps them (every second on the test server): a row of
 * any time is stored, rows without a month of their own move into one, and months older than
 * the retention are dropped whole without breaking a company's chain. Dates are relative to now.
 */
@ExtendWith(UsesSimulator.class)
class AuditPartitionsIT {

    private static final int RETENTION_MONTHS = Integer.getInteger("tollgate.audit.retention.months");
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMM");

    private static YearMonth monthsFromNow(int months) {
        return YearMonth.now(ZoneOffset.UTC).plusMonths(months);
    }

    private static Instant middleOf(YearMonth month) {
        return month.atDay(15).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static void insert(String company, Instant at) {
        Db.execute("insert into audit_event (occurred_at, company_id, action, outcome) values (?, ?, 'chat.stream', 'ok')",
                java.sql.Timestamp.from(at), company);
    }

    /** The partition each of the company's rows is stored in, in id order. */
    private static List<String> partitionsOf(String company) {
        return Db.rows("select tableoid::regclass::text as p from audit_event where company_id = ? order by id", company)
                .stream().map(row -> (String) row.get("p")).toList();
    }

    private static boolean sealed(String company) {
        return Db.rows("select 1 from audit_event where company_id = ? and hash is null", company).isEmpty();
    }

    private static JsonObject verify(String company, Instant from, Instant to) {
        DevJwt auditor = TestEnv.newUser().company(company).roles(List.of("auditor"));
        HttpResponse<String> response = Api.get("/api/v1/audit/verify?from=" + from + "&to=" + to,
                Client.as(auditor).token());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Api.parse(response.body());
    }

    @Test
    void rowsOfMonthsWithoutAPartitionAreStoredAndMovedIntoTheirOwnMonth() {
        String company = "partitions-" + UUID.randomUUID();
        YearMonth past = monthsFromNow(-14);
        YearMonth future = monthsFromNow(13);
        insert(company, middleOf(past));
        insert(company, middleOf(future));
        insert(company, Instant.now());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(partitionsOf(company)).containsExactly(
                "audit_event_" + past.format(NAME), "audit_event_" + future.format(NAME),
                "audit_event_" + monthsFromNow(0).format(NAME)));
        await().atMost(Duration.ofSeconds(30)).until(() -> sealed(company));
        JsonObject verdict = verify(company, middleOf(past).minusSeconds(1), middleOf(future).plusSeconds(1));
        assertThat(verdict.getBoolean("intact")).as(verdict.toString()).isTrue();
        assertThat(verdict.getInt("checked")).isEqualTo(3);
    }

    @Test
    void monthsOlderThanTheRetentionAreDroppedWholeAndTheChainStaysIntact() {
        String company = "retention-" + UUID.randomUUID();
        YearMonth old = monthsFromNow(-RETENTION_MONTHS - 2);
        // The old month's partition under a name the upkeep does not touch until the rows are sealed.
        String parked = "audit_event_parked_" + UUID.randomUUID().toString().replace("-", "");
        Db.execute("create table " + parked + " partition of audit_event for values from ('" + old.atDay(1)
                + "T00:00:00Z') to ('" + old.plusMonths(1).atDay(1) + "T00:00:00Z')");
        insert(company, Instant.now());
        insert(company, middleOf(old)); // backdated: in the middle of the company's chain
        insert(company, Instant.now());
        await().atMost(Duration.ofSeconds(30)).until(() -> sealed(company));
        String month = "audit_event_" + old.format(NAME);
        Db.execute("alter table " + parked + " rename to " + month);

        await().atMost(Duration.ofSeconds(30)).until(() -> Db.rows("select 1 from pg_class where relname = ?", month).isEmpty());
        assertThat(partitionsOf(company)).hasSize(2).allMatch(p -> p.equals("audit_event_" + monthsFromNow(0).format(NAME)));
        JsonObject verdict = verify(company, Instant.EPOCH, Instant.now().plusSeconds(60));
        assertThat(verdict.getBoolean("intact")).as(verdict.toString()).isTrue();
        assertThat(verdict.getInt("checked")).isEqualTo(2);
    }

    @Test
    void aRowOlderThanTheRetentionInTheDefaultPartitionIsDeleted() {
        String company = "retention-" + UUID.randomUUID();
        insert(company, middleOf(monthsFromNow(-RETENTION_MONTHS - 3)));
        insert(company, Instant.now());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(partitionsOf(company))
                .containsExactly("audit_event_" + monthsFromNow(0).format(NAME)));
        assertThat(Db.rows("select relname from pg_class where relname = ?",
                "audit_event_" + monthsFromNow(-RETENTION_MONTHS - 3).format(NAME))).isEmpty();
        assertThat(Db.rows("select relname from pg_class where relname = ?",
                "audit_event_" + monthsFromNow(2).format(NAME))).as("months ahead are made before they begin").hasSize(1);
    }
}
