package dev.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Browser;
import dev.tollgate.testing.Chats;
import dev.tollgate.testing.Client;
import dev.tollgate.testing.DevJwt;
import dev.tollgate.testing.Simulator;
import dev.tollgate.testing.TestEnv;
import dev.tollgate.testing.UsesSimulator;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WebElement;

/**
 * The user's side of the console in a real headless Chromium: sign in (dev), an answer that
 * renders token by token, Stop and the partial bill, refusals shown as the person needs them,
 * someone else's session, and model output that must stay text.
 */
@ExtendWith(UsesSimulator.class)
class ConsoleIT {

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    private static void ask(String query) {
        Browser.type(browser.find("#query"), query);
        browser.find("#send").click();
    }

    private static int tokensShown() {
        Object tokens = browser.script("const a = document.getElementById('answer'); return a ? Number(a.dataset.tokens || 0) : 0;");
        return ((Number) tokens).intValue();
    }

    @Test
    void anAnswerAppearsTokenByTokenAndShowsItsCost() {
        DevJwt alice = TestEnv.newUser();
        browser.signIn(alice, List.of("user"));
        String query = "What does a gateway do? [[sim tokens=30 delay_ms=80]]";
        ask(query);

        // Sampled while it streams: the answer grows through many intermediate lengths.
        TreeSet<Integer> seen = new TreeSet<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(25)).until(() -> {
            seen.add(tokensShown());
            return browser.all("#answer.streaming").isEmpty() && tokensShown() == 30;
        });
        assertThat(seen.subSet(1, 30)).as("partial answers seen before the last token").hasSizeGreaterThanOrEqualTo(5);
        // A screen reader hears that the answer ended, not each token.
        assertThat(browser.all("#conversation[aria-live='off']")).hasSize(1);
        assertThat(browser.all("#spoken").get(0).getDomProperty("textContent")).isEqualTo("Answer complete: 30 tokens.");

        // The same question through the API (the simulator is deterministic): the same text, the same price.
        Api.Streamed same = Chats.stream(Chats.token(), query);
        assertThat(browser.find("#answer .text").getText()).isEqualTo(Chats.text(same).strip());
        long cost = same.only("usage").json().getJsonNumber("credits_charged").longValue();
        assertThat(browser.find("#cost").getText()).contains("This answer cost " + cost + (cost == 1 ? " credit" : " credits"));
        long balance = Client.as(alice).balance();
        await().ignoreExceptions().untilAsserted(() -> assertThat(browser.find("#balance").getText()).isEqualTo("Credits left: " + String.format("%,d", balance)));
        // The new session is listed and in the address.
        assertThat(browser.driver().getCurrentUrl()).matches(".*#/chat/[0-9a-f-]{36}");
        await().ignoreExceptions().untilAsserted(() -> assertThat(browser.all("#sessions li a")).hasSize(1));
        browser.screenshot("chat");
    }

    @Test
    void stopEndsTheAnswerAndShowsWhatWasBilled() {
        DevJwt bob = TestEnv.newUser();
        browser.signIn(bob, List.of("user"));
        ask("Tell me everything [[sim tokens=400 delay_ms=50]]");
        await().atMost(Duration.ofSeconds(30)).until(() -> tokensShown() >= 5);
        browser.find("#stop").click();

        WebElement bill = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> browser.find("#partial-bill[data-credits]"), WebElement::isDisplayed);
        int delivered = tokensShown();
        assertThat(delivered).isBetween(5, 399);
        assertThat(browser.find("#stopped").getText()).isEqualTo("Stopped after " + delivered + " tokens.");
        // What the page says was billed is what the ledger captured for the turn, and less than a whole answer.
        long captured = -Client.as(bob).ledger().stream().filter(e -> e.getString("kind").equals("CAPTURE"))
                .mapToLong(e -> e.getJsonNumber("amount").longValue()).sum();
        assertThat(Long.parseLong(bill.getDomAttribute("data-credits"))).isEqualTo(captured);
        assertThat(bill.getText()).isEqualTo("Billed " + captured + (captured == 1 ? " credit" : " credits") + " for the " + delivered + " tokens delivered.");
        long whole = Chats.stream(Chats.token(), "Tell me everything [[sim tokens=400 delay_ms=0]]")
                .only("usage").json().getJsonNumber("credits_charged").longValue();
        assertThat(captured).isGreaterThan(0).isLessThan(whole);
        browser.screenshot("chat-stopped");
    }

    @Test
    void aSpendingLimitReachedIsShownAs402() {
        Client carol = Client.freshUser();
        var set = Api.send(Api.request("/api/v1/admin/credits/limits/" + carol.subject(), carol.colleague("company_admin").token())
                .header("Content-Type", "application/json").PUT(Api.json(Map.of("daily_credits", 0))).build());
        assertThat(set.statusCode()).isEqualTo(200);
        browser.signIn(carol.subject(), carol.company(), List.of("user"));
        ask("Anything [[sim tokens=5]]");
        WebElement problem = browser.find(".problem[data-status='402']");
        assertThat(problem.getText()).startsWith("Spending limit reached. ").contains("daily spending limit");
        assertThat(browser.all("#answer")).isEmpty();
        browser.screenshot("chat-402");
    }

    @Test
    void aRateLimitIsShownAs429WithTheWait() {
        DevJwt dave = TestEnv.newUser();
        String admin = Client.as(TestEnv.newUser().roles(List.of("billing_admin"))).token();
        var set = Api.send(Api.request("/api/v1/admin/rate-limits/" + dave.company(), admin)
                .header("Content-Type", "application/json").PUT(Api.json(Map.of("user_requests_per_minute", 30))).build());
        assertThat(set.statusCode()).isEqualTo(200);
        // The counts are per minute of the clock: start where the whole test fits in one.
        await().atMost(Duration.ofSeconds(61)).until(() -> java.time.LocalTime.now(java.time.ZoneOffset.UTC).getSecond() < 40);
        browser.signIn(dave, List.of("user"));
        browser.find("#balance");
        // Dave's other client uses up his minute; the page's next request is refused.
        String token = Client.as(dave).token();
        await().atMost(Duration.ofSeconds(30)).until(() -> Api.get("/api/v1/credits", token).statusCode() == 429);
        ask("Anything [[sim tokens=5]]");
        WebElement problem = browser.find(".problem[data-status='429']");
        assertThat(problem.getText()).matches("Too many requests: .* Try again in \\d+ seconds\\.");
        assertThat(browser.all(".retry")).isNotEmpty();
    }

    @Test
    void aLostSessionAndABrokenAnswerAreExplained() {
        browser.signIn(TestEnv.newUser(), List.of("user"));
        ask("first [[sim tokens=2]]");
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.all("#answer.streaming").isEmpty() && tokensShown() == 2);
        String session = browser.driver().getCurrentUrl().replaceAll(".*#/chat/", "");
        Simulator.get().forget(session);

        ask("again [[sim tokens=2]]");
        assertThat(browser.find("#notices .note.notice").getText()).startsWith("This session was recreated by the LLM service");
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.all("#answer.streaming").isEmpty() && tokensShown() == 2);

        // The LLM service drops the connection after three tokens: the part shown stays, with why and a retry.
        ask("break [[sim tokens=20 delay_ms=30 disconnect_after=3]]");
        WebElement broken = browser.find("#notices .note.error");
        assertThat(broken.getText()).startsWith("The answer broke off: ");
        assertThat(broken.findElements(org.openqa.selenium.By.cssSelector(".retry"))).hasSize(1);
        assertThat(tokensShown()).isEqualTo(3);
        assertThat(browser.find("#partial-bill[data-credits]").getText()).endsWith("for the 3 tokens delivered.");
    }

    @Test
    void theModelPickerListsTheModelsAndATimeoutOffersRetry() {
        Client gina = Client.freshUser();
        browser.signIn(gina.subject(), gina.company(), List.of("user"));
        List<String> models = gina.read("/v1/models").getJsonArray("data").getValuesAs(JsonObject.class).stream()
                .map(m -> m.getString("id")).toList();
        await().ignoreExceptions().untilAsserted(() -> assertThat(browser.all("#model option")).extracting(o -> o.getDomAttribute("value"))
                .containsExactlyElementsOf(models));
        new org.openqa.selenium.support.ui.Select(browser.find("#model")).selectByValue("sim-2");
        ask("slow [[sim tokens=2 ttft_ms=6000]]");
        WebElement problem = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> browser.find(".problem[data-status='504']"), WebElement::isDisplayed);
        assertThat(problem.getText()).startsWith("LLM service timeout. Retry");
        assertThat(browser.all(".retry")).hasSize(1);
        // The turn went to the model picked: its audit row names it.
        await().untilAsserted(() -> assertThat(gina.auditEvents("action=chat.stream")).extracting(e -> e.getString("model"))
                .containsExactly("sim-2"));
    }

    @Test
    void someoneElsesSessionIsNotFound() {
        String erins = Chats.startSession(Chats.token());
        browser.signIn(TestEnv.newUser(), List.of("user"));
        for (String id : List.of(erins, UUID.randomUUID().toString())) {
            browser.go("/console/#/chat/" + id);
            browser.driver().navigate().refresh();
            assertThat(browser.find("#notices .note.error").getText())
                    .isEqualTo("Session not found: it does not exist, or it is not yours.");
            assertThat(browser.find("#conversation").getText()).isEmpty();
        }
    }

    @Test
    void aSessionsHistoryIsShown() {
        Client frank = Client.freshUser();
        String session = frank.startSession();
        browser.signIn(frank.subject(), frank.company(), List.of("user"));
        browser.go("/console/#/chat/" + session);
        browser.driver().navigate().refresh();
        JsonObject history = frank.read("/api/v1/sessions/" + session + "/messages");
        List<String> expected = history.getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                .map(m -> m.getString("content").strip()).toList();
        await().ignoreExceptions().untilAsserted(() -> assertThat(browser.all("#conversation .message .text")).extracting(WebElement::getText)
                .containsExactlyElementsOf(expected));
    }

    @Test
    void markupInAnAnswerIsShownAsText() {
        browser.signIn(TestEnv.newUser(), List.of("user"));
        String hostile = "<img src=x onerror=window.hit=1> <script>window.hit=2</script> **bold**";
        ask(hostile + " [[sim echo delay_ms=10]]");
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.all("#answer.streaming").isEmpty() && tokensShown() > 0);
        WebElement answer = browser.find("#answer .text");
        assertThat(answer.getText()).isEqualTo("<img src=x onerror=window.hit=1> <script>window.hit=2</script> bold");
        assertThat(answer.findElements(org.openqa.selenium.By.cssSelector("img, script"))).isEmpty();
        assertThat(answer.findElements(org.openqa.selenium.By.cssSelector("strong"))).extracting(WebElement::getText)
                .containsExactly("bold");
        assertThat(browser.script("return window.hit === undefined")).isEqualTo(true);
    }
}
