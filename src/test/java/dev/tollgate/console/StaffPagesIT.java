package dev.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Browser;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The auditor's, billing admin's and company admin's pages in a real headless Chromium: charts
 * that carry the numbers the API returns, the CSV, the chain check, the balance and holds, limits
 * edited, an API key made and revoked.
 */
@ExtendWith(UsesSimulator.class)
class StaffPagesIT {

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    /** A company whose two users asked four questions on two models. */
    private static Client busyCompany() {
        Client alice = Client.freshUser();
        Client bob = alice.colleague("user");
        for (Map<String, String> body : List.of(
                Map.of("query", "one [[sim tokens=5]]"), Map.of("query", "two [[sim tokens=9]]", "model", "sim-2"),
                Map.of("query", "three [[sim tokens=3 ttft_ms=40]]"))) {
            assertThat(alice.stream(body).status()).isEqualTo(200);
        }
        assertThat(bob.stream("four [[sim tokens=7]]").status()).isEqualTo(200);
        return alice;
    }

    /** label -> value of a chart's bars of one series. */
    private static Map<String, Double> bars(String section, String series) {
        Map<String, Double> values = new HashMap<>();
        for (WebElement bar : browser.all("#" + section + " .bar[data-series='" + series + "']")) {
            values.put(bar.getDomAttribute("data-label"), Double.parseDouble(bar.getDomAttribute("data-value")));
        }
        return values;
    }

    private static Map<String, Double> api(JsonObject report, String field) {
        Map<String, Double> values = new HashMap<>();
        for (JsonObject group : report.getJsonArray("groups").getValuesAs(JsonObject.class)) {
            JsonValue value = group.get(field);
            if (value instanceof JsonNumber n) {
                values.put(group.getString("group"), n.doubleValue());
            }
        }
        return values;
    }

    @Test
    void theAuditorsChartsShowTheNumbersTheApiReturns() throws Exception {
        Client alice = busyCompany();
        Client auditor = alice.colleague("auditor");
        await().atMost(Duration.ofSeconds(20)).until(() -> auditor.read("/api/v1/audit/reports/usage?group_by=user")
                .getJsonArray("groups").getValuesAs(JsonObject.class).stream().mapToLong(g -> g.getJsonNumber("requests").longValue()).sum() == 4);
        browser.signIn(auditor.subject(), alice.company(), List.of("auditor"));
        browser.go("/console/#/audit");
        browser.find("#per-user .bar");

        // The period the page shows, asked of the API directly.
        String from = browser.find("#from").getDomProperty("value") + "T00:00:00Z";
        String to = java.time.LocalDate.parse(browser.find("#to").getDomProperty("value")).plusDays(1) + "T00:00:00Z";
        String period = "from=" + URLEncoder.encode(from, StandardCharsets.UTF_8) + "&to=" + URLEncoder.encode(to, StandardCharsets.UTF_8);
        JsonObject days = auditor.read("/api/v1/audit/reports/usage?group_by=day&" + period);
        JsonObject users = auditor.read("/api/v1/audit/reports/usage?group_by=user&" + period);
        JsonObject models = auditor.read("/api/v1/audit/reports/usage?group_by=model&" + period);

        assertThat(bars("per-user", "requests")).isEqualTo(api(users, "requests")).hasSize(2);
        assertThat(bars("per-user", "credits")).isEqualTo(api(users, "credits"));
        assertThat(bars("per-model", "requests")).isEqualTo(api(models, "requests")).containsKeys("sim-1", "sim-2");
        assertThat(bars("per-day-requests", "requests")).isEqualTo(api(days, "requests"));
        assertThat(bars("per-day-credits", "credits")).isEqualTo(api(days, "credits"));
        for (String[] chart : new String[][] {{"latency", "latency p50", "latency_ms_p50"}, {"latency", "latency p95", "latency_ms_p95"},
                {"ttft", "first token p50", "ttft_ms_p50"}, {"ttft", "first token p95", "ttft_ms_p95"}}) {
            Map<String, Double> shown = bars(chart[0], chart[1]);
            Map<String, Double> expected = api(days, chart[2]);
            assertThat(shown.keySet()).isEqualTo(expected.keySet()).isNotEmpty();
            expected.forEach((day, value) -> assertThat(shown.get(day)).isCloseTo(value, within(1e-6)));
        }
        // Each chart has its table: one row per group, in the API's order.
        assertThat(browser.all("#per-user tbody tr td:first-child")).extracting(WebElement::getText)
                .containsExactlyElementsOf(users.getJsonArray("groups").getValuesAs(JsonObject.class).stream().map(g -> g.getString("group")).toList());

        // A bar names its value to a keyboard user and shows it on focus.
        WebElement bar = browser.all("#per-user .bar[data-series='requests']").get(0);
        assertThat(bar.getDomAttribute("tabindex")).isEqualTo("0");
        assertThat(bar.getDomAttribute("aria-label")).endsWith(": " + bar.getDomAttribute("data-value"));
        browser.script("arguments[0].focus()", bar);
        assertThat(bar.findElement(By.cssSelector(".value")).getCssValue("opacity")).isEqualTo("1");
        browser.screenshot("audit");

        // The chain check shows the API's verdict.
        browser.find("#verify").click();
        WebElement verdict = browser.find("#verify-result");
        boolean intact = auditor.read("/api/v1/audit/verify?" + period).getBoolean("intact");
        assertThat(verdict.getDomAttribute("data-intact")).isEqualTo(String.valueOf(intact));
        assertThat(verdict.getText()).startsWith(intact ? "Intact." : "Broken.");

        // The CSV download is the API's CSV.
        Path file = Browser.DOWNLOADS.resolve("usage-" + from.substring(0, 10) + ".csv");
        Files.deleteIfExists(file);
        browser.find("#csv").click();
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(file) && Files.size(file) > 0);
        String csv = Api.send(Api.request("/api/v1/audit/reports/usage?group_by=day&" + period, auditor.token())
                .header("Accept", "text/csv").GET().build()).body();
        assertThat(Files.readString(file)).isEqualTo(csv).startsWith("group,requests,");
    }

    @Test
    void theBillingAdminSeesBalanceHoldsAndSetsALimit() {
        Client alice = busyCompany();
        Client billing = alice.colleague("billing_admin");
        browser.signIn(billing.subject(), alice.company(), List.of("billing_admin"));
        browser.go("/console/#/billing");
        long balance = alice.balance();
        assertThat(browser.find("#company-balance").getText()).isEqualTo(alice.company() + ": " + String.format("%,d", balance) + " credits");
        // The last bar of the balance chart is today's closing balance: the current one.
        List<WebElement> days = browser.all("#balance-history .bar");
        assertThat(Double.parseDouble(days.get(days.size() - 1).getDomAttribute("data-value"))).isEqualTo((double) balance);
        // Holds by status: as many captured as the API lists.
        WebElement captured = await().ignoreExceptions().until(
                () -> browser.find("#holds .bar[data-label='captured'][data-series='holds']"), WebElement::isDisplayed);
        assertThat(Double.parseDouble(captured.getDomAttribute("data-value"))).isEqualTo((double) alice.reservations("captured").size());
        assertThat(browser.find("#grants tbody").getText()).contains("1,000");
        browser.screenshot("billing");

        // A limit set on the page is the user's limit.
        WebElement form = browser.find("#limit-form");
        Browser.type(form.findElement(By.name("user")), alice.subject());
        Browser.type(form.findElement(By.name("daily")), "50");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        await().ignoreExceptions().untilAsserted(() -> assertThat(browser.find("#limits tbody").getText()).contains(alice.subject()).contains("50"));
        assertThat(alice.read("/api/v1/credits").getJsonNumber("daily_limit").longValue()).isEqualTo(50);

        // A grant from the page is booked once.
        WebElement grant = browser.find("#grant-form");
        Browser.type(grant.findElement(By.name("credits")), "25");
        grant.findElement(By.cssSelector("button[type=submit]")).click();
        await().ignoreExceptions().untilAsserted(() -> assertThat(browser.find("#grants .note").getText()).startsWith("Granted 25; balance "));
        assertThat(alice.balance()).isEqualTo(balance + 25);

        // Reconcile now shows the run the API reports as the last one.
        browser.find("#reconcile").click();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            JsonObject last = billing.read("/api/v1/admin/credits/reconciliation");
            assertThat(browser.all("#reconciliation tbody td")).extracting(WebElement::getText).endsWith(
                    String.format("%,d", last.getInt("checked")), String.format("%,d", last.getInt("adjustments")),
                    String.format("%,d", last.getInt("mismatches")));
            assertThat(browser.all("#reconciliation .note")).isEmpty();
        });
    }

    @Test
    void theCompanyAdminMakesAndRevokesAnApiKey() {
        Client admin = Client.freshUser().colleague("company_admin", "user");
        browser.signIn(admin.subject(), admin.company(), List.of("company_admin", "user"));
        browser.go("/console/#/admin");
        WebElement form = browser.find("#key-form");
        String service = "svc-" + UUID.randomUUID().toString().substring(0, 8);
        Browser.type(form.findElement(By.name("service_user")), service);
        form.findElement(By.cssSelector("button[type=submit]")).click();
        String secret = browser.find("#new-secret").getText();
        assertThat(secret).startsWith("tg_");
        assertThat(Api.get("/v1/models", secret).statusCode()).isEqualTo(200);
        await().ignoreExceptions().untilAsserted(() -> assertThat(browser.find("#key-list tbody").getText()).contains(service));
        browser.screenshot("admin");

        browser.find("#key-list .revoke").click();
        await().ignoreExceptions().untilAsserted(() -> assertThat(browser.find("#key-list tbody").getText()).contains("revoked"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Api.get("/v1/models", secret).statusCode() == 401);
    }
}
