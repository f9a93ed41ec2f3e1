package dev.mailroom.server.dashboard;

import static dev.mailroom.server.support.Timelines.awaitActivity;
import static dev.mailroom.server.support.Timelines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.node.ObjectNode;

/**
 * The dashboard in a real browser (Debian's headless Chromium): a person enters the key, finds a
 * member, opens their email and reads its timeline. Uses only the installed Chromium and
 * chromedriver; Selenium Manager is never asked to find or download anything. Skipped where they
 * are not installed, so {@code ./mvnw verify} needs nothing; {@code .ci/run} installs them.
 */
@EndToEndTest
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");
    private static final By VIEW_TITLE = By.cssSelector("#view h1");

    private static ChromeDriverService service;
    private static ChromeDriver browser;
    private static Path profile;

    @LocalServerPort
    int port;

    ApiClient api;
    WebDriverWait wait;

    /** Started by the first test that runs, so a machine without Chromium reports each test as skipped, with why. */
    private static void startBrowser() throws IOException {
        // Selenium Manager is not used (driver and browser are given), and must not report usage if it ever were.
        System.setProperty("SE_AVOID_STATS", "true");
        profile = Files.createTempDirectory("mailroom-chromium-");
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File("target/chromedriver.log"))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile,
                "--window-size=1280,1100",
                "--lang=en-US");
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @BeforeEach
    void freshTab() throws IOException {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the dashboard's browser test needs Debian's Chromium at " + CHROMIUM + " and " + CHROMEDRIVER
                        + " (apt-get install chromium chromium-driver)");
        if (browser == null) {
            startBrowser();
        }
        api = new ApiClient(port);
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        // Each test starts signed out: the key lives in sessionStorage, per origin and tab.
        browser.get(base() + "/dashboard/");
        browser.executeScript("sessionStorage.clear()");
        browser.get(base() + "/");
    }

    @Test
    void aWrongKeyIsRefusedWithAClearMessageAndNotKept() {
        signIn("not-the-key");

        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-error")));
        assertThat(error.getText()).isEqualToIgnoringCase("the API key is not valid.");
        assertThat(browser.findElement(By.id("app")).isDisplayed()).isFalse();
        assertThat(browser.executeScript("return sessionStorage.length")).isEqualTo(0L);
    }

    @Test
    void aMembersEmailsAndTheirTimelinesShowWhatHappened() throws IOException {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String ada = "dash-" + run + "-ada";
        // Member ids are the application's own: this one holds a '/'.
        String bob = "dash-" + run + "/bob";
        String clicked =
                api.submit(email(ada, "click+" + run + "@example.org", "Ada Lovelace", "Welcome aboard", "welcome"));
        String bounced =
                api.submit(email(bob, "bounce+" + run + "@example.org", "Bob Boole", "Your invoice", "billing"));
        awaitActivity(api, clicked, "CLICKED");
        awaitStatus(api, bounced, "BOUNCED");

        signIn(ApiClient.TEST_KEY);
        search("dash-" + run);
        assertThat(browser.findElements(By.cssSelector("#members tbody tr"))).hasSize(2);
        assertThat(browser.getCurrentUrl()).doesNotContain(ApiClient.TEST_KEY);

        // Ada: delivered, opened, clicked, with the clicked link.
        browser.findElement(By.linkText(ada)).click();
        wait.until(ExpectedConditions.textToBe(VIEW_TITLE, ada));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#member-emails tbody tr")));
        assertThat(browser.findElement(By.cssSelector("#member-emails tbody tr"))
                        .getText())
                .contains("Welcome aboard", "CLICKED");
        browser.findElement(By.linkText("Welcome aboard")).click();
        List<String> adaTimeline = timeline();
        assertThat(adaTimeline)
                .containsSubsequence("ACCEPTED", "QUEUED", "DISPATCHED", "DELIVERED", "OPENED", "CLICKED");
        assertThat(event("CLICKED"))
                .containsIgnoringCase("Clicked URL")
                .contains("https://example.com/welcome", "click+" + run + "@example.org", "sandbox");
        assertThat(event("DELIVERED")).contains("250 2.0.0 OK (sandbox)");
        assertThat(browser.findElement(By.cssSelector(".verdict")).getText()).contains("opened", "clicked");
        Files.createDirectories(SCREENSHOT.getParent());
        Files.write(SCREENSHOT, browser.getScreenshotAs(OutputType.BYTES));

        // Bob: bounced, with the reason.
        browser.findElement(By.cssSelector("#app-nav a[data-section=members]")).click();
        search(bob);
        browser.findElement(By.linkText(bob)).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("Your invoice")))
                .click();
        assertThat(timeline()).contains("BOUNCED").doesNotContain("DELIVERED");
        assertThat(event("BOUNCED"))
                .containsIgnoringCase("Bounce reason")
                .contains("550 5.1.1 recipient unknown (sandbox)", "hard");
        assertThat(browser.findElement(By.cssSelector(".verdict")).getText())
                .contains("Bounced", "550 5.1.1 recipient unknown");
    }

    @Test
    void recentEmailsFilterByStatusAndTag() {
        String tag = "dash-" + UUID.randomUUID().toString().substring(0, 8);
        String bounced = api.submit(email(null, "bounce+filter@example.org", null, "Filtered bounce", tag));
        String delivered = api.submit(email(null, "ada@example.org", null, "Filtered delivery", tag));
        awaitStatus(api, bounced, "BOUNCED");
        awaitStatus(api, delivered, "DELIVERED");

        signIn(ApiClient.TEST_KEY);
        browser.findElement(By.cssSelector("#app-nav a[data-section=emails]")).click();
        wait.until(ExpectedConditions.textToBe(VIEW_TITLE, "Recent emails"));
        new Select(browser.findElement(By.id("filter-status"))).selectByValue("BOUNCED");
        browser.findElement(By.id("filter-tag")).sendKeys(tag);
        browser.findElement(By.cssSelector("form.filters button[type=submit]")).click();

        wait.until(d -> d.findElements(By.cssSelector("#emails tbody tr")).size() == 1
                && d.findElement(By.cssSelector("#emails tbody tr")).getText().contains("Filtered bounce"));
        assertThat(browser.getCurrentUrl()).contains("status=BOUNCED", "tag=" + tag);

        new Select(browser.findElement(By.id("filter-status"))).selectByValue("CLICKED");
        browser.findElement(By.cssSelector("form.filters button[type=submit]")).click();
        wait.until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("emails"), "No emails match these filters."));
    }

    @Test
    void theKeyLastsForTheTabUntilItIsForgotten() {
        signIn(ApiClient.TEST_KEY);
        wait.until(ExpectedConditions.textToBe(VIEW_TITLE, "Members"));

        browser.navigate().refresh();
        wait.until(ExpectedConditions.textToBe(VIEW_TITLE, "Members"));
        browser.findElement(By.id("sign-out")).click();

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")));
        assertThat(browser.executeScript("return sessionStorage.length")).isEqualTo(0L);
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private void signIn(String key) {
        WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")));
        input.sendKeys(key);
        browser.findElement(By.id("sign-in-button")).click();
    }

    /** Types into the member search and waits until the table shows only matching members. */
    private void search(String text) {
        WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("member-search")));
        input.clear();
        input.sendKeys(text);
        browser.findElement(By.cssSelector("form[role=search] button[type=submit]"))
                .click();
        wait.until(d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("#members tbody tr"));
            return !rows.isEmpty()
                    && rows.stream().allMatch(row -> row.getText().contains(text));
        });
    }

    /** The statuses of the open email's timeline, in the order shown. */
    private List<String> timeline() {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("ol.timeline li")));
        return browser.findElements(By.cssSelector("ol.timeline li.event")).stream()
                .map(li -> li.getAttribute("data-status"))
                .toList();
    }

    private String event(String status) {
        return browser.findElement(By.cssSelector("ol.timeline li.event[data-status=" + status + "]"))
                .getText();
    }

    private static String email(String memberId, String address, String name, String subject, String tag) {
        ObjectNode recipient = ApiClient.JSON.createObjectNode().put("email", address);
        if (memberId != null) {
            recipient.put("memberId", memberId);
        }
        if (name != null) {
            recipient.put("name", name);
        }
        ObjectNode extra = ApiClient.JSON.createObjectNode().put("subject", subject);
        extra.putArray("to").add(recipient);
        extra.putArray("tags").add(tag);
        return ApiClient.email(address, extra.toString());
    }
}
