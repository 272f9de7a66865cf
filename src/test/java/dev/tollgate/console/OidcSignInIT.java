package dev.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.testing.Api;
import dev.tollgate.testing.Browser;
import dev.tollgate.testing.UsesSimulator;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/**
 * The production sign-in in a real browser: the console on the server that trusts the tests'
 * Keycloak realm sends the person to the realm's login page (authorization code with PKCE, the
 * realm's public client requires S256), and comes back with a token the API accepts.
 */
@ExtendWith(UsesSimulator.class)
class OidcSignInIT {

    private static final String KEYCLOAK = System.getProperty("tollgate.keycloak.url", "http://127.0.0.1:19092");
    private static final String PRODUCTION = System.getProperty("tollgate.url3", "http://127.0.0.1:19082");

    @Test
    void aPersonSignsInWithTheCompanysIdentityProvider() {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() ->
                Api.send(HttpRequest.newBuilder(URI.create(KEYCLOAK + "/realms/tollgate/.well-known/openid-configuration"))
                        .GET().build()).statusCode() == 200);
        try (Browser browser = Browser.open()) {
            browser.open(PRODUCTION + "/console/");
            assertThat(browser.all("#dev-sign-in")).isEmpty();
            browser.find("#oidc-sign-in").click();
            await().atMost(Duration.ofSeconds(30)).until(() -> browser.driver().getCurrentUrl().startsWith(KEYCLOAK));
            assertThat(browser.driver().getCurrentUrl()).contains("code_challenge_method=S256").contains("client_id=tollgate-web");
            Browser.type(browser.find("#username"), "alice");
            Browser.type(browser.find("#password"), "alice-test-password");
            browser.driver().findElement(By.cssSelector("[type=submit]")).click();

            await().atMost(Duration.ofSeconds(30)).until(() -> browser.driver().getCurrentUrl().startsWith(PRODUCTION + "/console/"));
            // Signed in once the code is traded for the token and the chat page has asked the API.
            assertThat(browser.find("#balance").getText()).startsWith("Credits left: ");
            // The realm's access token, kept in the tab, names alice's company through its mapper.
            String token = (String) browser.script("return sessionStorage.getItem('tollgate.token')");
            assertThat(Api.get("/api/v1/credits", token).statusCode()).as("not this server's issuer").isEqualTo(401);
            assertThat(Api.send(Api.requestTo(PRODUCTION, "/api/v1/credits", token).GET().build()).body())
                    .contains("\"company_id\":\"keycloak-acme\"");
            assertThat(browser.find("#who").getText()).endsWith(" · keycloak-acme");
            assertThat(browser.driver().getCurrentUrl()).doesNotContain("code=").doesNotContain("state=");
            assertThat((String) browser.script("return document.cookie")).doesNotContain("tollgate");
            assertThat(browser.pageErrors()).isEmpty();
            browser.screenshot("sign-in-oidc");
        }
    }
}
