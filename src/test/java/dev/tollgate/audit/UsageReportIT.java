package dev.tollgate.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.Db;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The usage report against events written straight into PostgreSQL, whose numbers this test works out
 * itself: counts, sums and percentiles (PostgreSQL's percentile_cont: linear between the two nearest
 * ranks) per user, day, model and session, with the range's edges cutting through days.
 */
@ExtendWith(UsesSimulator.class)
class UsageReportIT {

    /** What the report reads of one event. */
    record Event(Instant at, String user, String model, UUID session, String action, int prompt, int completion,
                 long credits, String outcome, long latency, long ttft) {
    }

    // Tomorrow and the day after, UTC: months ahead always have their partitions.
    static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).plusDays(1);
    static final Instant FROM = DAY.atTime(12, 0).toInstant(ZoneOffset.UTC);
    static final Instant TO = DAY.plusDays(2).atStartOfDay().toInstant(ZoneOffset.UTC);

    static final DevJwt COMPANY = TestEnv.newUser();
    static final List<Event> EVENTS = new ArrayList<>();

    @BeforeAll
    static void writeEvents() {
        Random random = new Random(42);
        UUID[] sessions = {UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()};
        String[] users = {"ann", "ann", "bob"}; // the user of each session
        for (int i = 0; i < 60; i++) {
            int s = i % 3;
            // from DAY 11:00 (before FROM) to DAY+2 00:00 (at TO, excluded), across a midnight
            Instant at = FROM.minus(1, ChronoUnit.HOURS).plus(i * 36L, ChronoUnit.MINUTES);
            EVENTS.add(new Event(i == 59 ? TO : at, users[s], i % 4 == 0 ? "sim-2" : "sim-1", sessions[s],
                    i % 5 == 0 ? "chat.answer" : "chat.stream", 10 + random.nextInt(90), random.nextInt(300),
                    1 + random.nextInt(20), i % 7 == 0 ? "llm_timeout" : "ok", 50 + random.nextInt(5000),
                    5 + random.nextInt(400)));
        }
        // Not chat answers, and not this company's: never counted.
        EVENTS.add(new Event(FROM.plusSeconds(60), "ann", null, sessions[0], "session.create", 0, 0, 0, "ok", 3, 0));
        for (Event e : EVENTS) {
            insert(COMPANY.company(), e);
        }
        insert("other-" + COMPANY.company(), EVENTS.get(10));
    }

    static void insert(String company, Event e) {
        Db.execute("insert into audit_event (occurred_at, company_id, user_id, roles, action, request_id, session_id, "
                        + "model, prompt_tokens, completion_tokens, credits, outcome, latency_ms, ttft_ms) "
                        + "values (?, ?, ?, 'user', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                Timestamp.from(e.at()), company, e.user(), e.action(), UUID.randomUUID().toString(), e.session(),
                e.model(), e.prompt(), e.completion(), e.credits(), e.outcome(), e.latency(), e.ttft());
    }

    static Map<String, JsonObject> report(String groupBy) {
        String auditor = Client.as(TestEnv.newUser().company(COMPANY.company()).roles(List.of("auditor"))).token();
        HttpResponse<String> response = Api.get("/api/v1/audit/reports/usage?group_by=" + groupBy
                + "&from=" + FROM + "&to=" + TO, auditor);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, JsonObject> groups = new TreeMap<>();
        for (JsonValue group : Api.parse(response.body()).getJsonArray("groups")) {
            groups.put(group.asJsonObject().getString("group"), group.asJsonObject());
        }
        return groups;
    }

    /** The report as this test works it out from the events it wrote. */
    static Map<String, List<Event>> expected(Function<Event, String> group) {
        Map<String, List<Event>> groups = new TreeMap<>();
        EVENTS.stream()
                .filter(e -> e.action().startsWith("chat."))
                .filter(e -> !e.at().isBefore(FROM) && e.at().isBefore(TO))
                .forEach(e -> groups.computeIfAbsent(group.apply(e), g -> new ArrayList<>()).add(e));
        return groups;
    }

    static double percentile(List<Event> events, Function<Event, Long> value, double p) {
        long[] sorted = events.stream().mapToLong(value::apply).sorted().toArray();
        double rank = p * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = (int) Math.ceil(rank);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }

    static void assertMatches(Map<String, JsonObject> report, Map<String, List<Event>> expected) {
        assertThat(report.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((group, events) -> {
            JsonObject row = report.get(group);
            assertThat(row.getInt("requests")).as(group).isEqualTo(events.size());
            assertThat(row.getInt("prompt_tokens")).isEqualTo(events.stream().mapToInt(Event::prompt).sum());
            assertThat(row.getInt("completion_tokens")).isEqualTo(events.stream().mapToInt(Event::completion).sum());
            assertThat(row.getJsonNumber("credits").longValue()).isEqualTo(events.stream().mapToLong(Event::credits).sum());
            assertThat(row.getInt("errors")).isEqualTo((int) events.stream().filter(e -> !e.outcome().equals("ok")).count());
            assertThat(row.getJsonNumber("latency_ms_p50").doubleValue()).isCloseTo(percentile(events, Event::latency, 0.5), within(1e-6));
            assertThat(row.getJsonNumber("latency_ms_p95").doubleValue()).isCloseTo(percentile(events, Event::latency, 0.95), within(1e-6));
            assertThat(row.getJsonNumber("ttft_ms_p50").doubleValue()).isCloseTo(percentile(events, Event::ttft, 0.5), within(1e-6));
            assertThat(row.getJsonNumber("ttft_ms_p95").doubleValue()).isCloseTo(percentile(events, Event::ttft, 0.95), within(1e-6));
        });
    }

    @Test
    void perUser() {
        assertMatches(report("user"), expected(Event::user));
    }

    @Test
    void perUtcDayCutAtTheRangesEdges() {
        Map<String, List<Event>> expected = expected(e -> e.at().atZone(ZoneOffset.UTC).toLocalDate().toString());
        assertThat(expected).hasSize(2);
        assertMatches(report("day"), expected);
    }

    @Test
    void perModel() {
        assertMatches(report("model"), expected(Event::model));
    }

    @Test
    void perSession() {
        assertMatches(report("session"), expected(e -> e.session().toString()));
    }
}
