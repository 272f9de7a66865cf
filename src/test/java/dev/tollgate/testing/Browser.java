package dev.tollgate.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.json.Json;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A real headless Chromium (Debian's, with its chromedriver) on Tollgate's console. It keeps the
 * browser's network log, so a test can list every URL the page asked for. As a JUnit extension
 * ({@link #perClass()}) one browser serves a test class, and after every test it checks that
 * Tollgate's pages asked no origin but Tollgate's.
 */
public final class Browser implements AutoCloseable, BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private static final Path CHROMIUM = Path.of(System.getProperty("tollgate.chromium", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(System.getProperty("tollgate.chromedriver", "/usr/bin/chromedriver"));
    private static final Path SCREENSHOTS = Path.of(System.getProperty("tollgate.screenshots", "target/screenshots"));
    /** Where the browser saves downloads (the console's CSV exports). */
    public static final Path DOWNLOADS = Path.of(System.getProperty("tollgate.downloads", "target/downloads")).toAbsolutePath();

    private static final Json JSON = new Json();

    private ChromeDriver driver;
    private Path profile;
    private final List<String> requested = new ArrayList<>();

    private Browser() {
    }

    /** {@code @RegisterExtension static final Browser browser = Browser.perClass();} */
    public static Browser perClass() {
        return new Browser();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        URI base = URI.create(TestEnv.baseUrl());
        assertThat(requestedOrigins()).as("origins Tollgate's pages asked")
                .isNotEmpty().allSatisfy(origin -> assertThat(origin).isEqualTo(base.getScheme() + "://" + base.getAuthority()));
        assertThat(pageErrors()).as("scripts that failed or the policy refused").isEmpty();
    }

    /**
     * What the page's console reported as a script error or a Content-Security-Policy refusal
     * since the last call (refused requests, a 404 say, are the tests' own doing and not listed).
     */
    public List<String> pageErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage)
                .filter(message -> message.contains("Uncaught") || message.contains("Content Security Policy")
                        || message.contains("Content-Security-Policy"))
                .toList();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** A browser of its own, for a test that closes it itself. */
    public static Browser open() {
        Browser browser = new Browser();
        browser.start();
        return browser;
    }

    private void start() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
            throw new AssertionError("The browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", " + DRIVER
                    + "): bin/test installs them when it runs as root; otherwise apt-get install chromium chromium-driver.");
        }
        try {
            Path profile = Files.createTempDirectory("tollgate-chromium");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            // The machine has no internet: without these Chromium keeps trying Google's services.
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-default-apps", "--window-size=1280,900", "--user-data-dir=" + profile);
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.PERFORMANCE, Level.ALL);
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            Files.createDirectories(DOWNLOADS);
            options.setExperimentalOption("prefs", Map.of("download.default_directory", DOWNLOADS.toString(),
                    "download.prompt_for_download", false));
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                    .usingAnyFreePort().build();
            this.profile = profile;
            this.driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Opens a path of Tollgate's, e.g. {@code /console/#/audit}. */
    public void go(String path) {
        driver.get(TestEnv.baseUrl() + path);
    }

    /** Opens a page of another server (the one configured as production). */
    public void open(String url) {
        driver.get(url);
    }

    /** Signs in through the console's dev sign-in form, as a person would. */
    public void signIn(String subject, String company, List<String> roles) {
        go("/console/#/sign-in");
        driver.executeScript("sessionStorage.clear()");
        driver.navigate().refresh();
        WebElement form = find("#dev-sign-in");
        type(form.findElement(By.name("sub")), subject);
        type(form.findElement(By.name("company")), company);
        for (WebElement box : form.findElements(By.name("roles"))) {
            if (box.isSelected() != roles.contains(box.getAttribute("value"))) {
                box.click();
            }
        }
        form.findElement(By.cssSelector("button[type=submit]")).click();
        await().until(() -> !driver.findElements(By.cssSelector("#sign-out:not([hidden])")).isEmpty());
    }

    public void signIn(DevJwt who, List<String> roles) {
        signIn(who.subject(), who.company(), roles);
    }

    public static void type(WebElement input, String text) {
        input.clear();
        input.sendKeys(text);
    }

    /** The element, once the page shows it. */
    public WebElement find(String css) {
        return await().ignoreExceptions().until(() -> driver.findElement(By.cssSelector(css)), WebElement::isDisplayed);
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** The whole page, not only what the window shows, to {@code target/screenshots/NAME.png}. */
    public void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Number width = (Number) script("return document.documentElement.scrollWidth");
            Number height = (Number) script("return document.documentElement.scrollHeight");
            Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                    "captureBeyondViewport", true,
                    "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
            Files.write(SCREENSHOTS.resolve(name + ".png"), java.util.Base64.getDecoder().decode((String) shot.get("data")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every URL Tollgate's pages requested since the browser opened (from Chromium's network log;
     * the browser's own pages, such as its new-tab page, are not Tollgate's).
     */
    @SuppressWarnings("unchecked")
    public List<String> requestedUrls() {
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            Map<String, Object> logged = JSON.toType(entry.getMessage(), Map.class);
            Map<String, Object> message = (Map<String, Object>) logged.get("message");
            Map<String, Object> params = (Map<String, Object>) message.get("params");
            if ("Network.requestWillBeSent".equals(message.get("method"))
                    && String.valueOf(params.get("documentURL")).startsWith(TestEnv.baseUrl())) {
                requested.add((String) ((Map<String, Object>) params.get("request")).get("url"));
            }
        }
        return List.copyOf(requested);
    }

    /** The origins of those URLs, as scheme://host:port (data: and blob: URLs have none of their own). */
    public List<String> requestedOrigins() {
        return requestedUrls().stream().filter(url -> !url.startsWith("data:") && !url.startsWith("blob:"))
                .map(URI::create).map(u -> u.getScheme() + "://" + u.getAuthority()).distinct().toList();
    }

    @Override
    public void close() {
        if (driver != null) {
            driver.quit();
        }
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary profile left behind is harmless
        }
    }
}
