package dev.mailroom.server.dashboard;

import static dev.mailroom.server.support.Timelines.awaitActivity;
import static dev.mailroom.server.support.Timelines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The dashboard in a real browser (Debian's headless Chromium): people sign in with email and
 * password, find a member, open their email and read its timeline; admins manage users and keys,
 * the platform operator organizations, settings and dead letters; a viewer cannot reach the admin
 * pages. Every page is checked with axe-core (the copy bundled in Deque's axe-core Selenium jar,
 * run through Selenium directly) and must have no violation. Uses only the installed Chromium and
 * chromedriver; Selenium Manager is never asked to find or download anything. Skipped where they
 * are not installed, so {@code ./mvnw verify} needs nothing; {@code .ci/run} installs them.
 */
@EndToEndTest
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");
    /** Every page the operator test visits, as a person sees it: for whoever changes how the pages look. */
    private static final Path PAGES = Path.of("target", "dashboard-pages");

    private static final By VIEW_TITLE = By.cssSelector("#view h1");
    private static final String OPERATOR = "admin@localhost";

    private static ChromeDriverService service;
    private static ChromeDriver browser;
    private static Path profile;
    private static String axeScript;

    @LocalServerPort
    int port;

    @Autowired
    RabbitTemplate rabbit;

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
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        try (InputStream axe = DashboardBrowserTest.class.getResourceAsStream("/axe.min.js")) {
            assertThat(axe)
                    .as("axe.min.js from com.deque.html.axe-core:selenium")
                    .isNotNull();
            axeScript = new String(axe.readAllBytes(), StandardCharsets.UTF_8);
        }
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
        wait.withMessage(this::whatThePageShows);
        // Each test starts signed out: the session lives in a cookie of this origin.
        browser.get(base() + "/dashboard/");
        browser.manage().deleteAllCookies();
        browser.get(base() + "/");
    }

    @Test
    void aWrongPasswordIsRefusedWithAClearMessageAndSignsNobodyIn() {
        // An address nobody has: a wrong password for a real one would count towards its lockout.
        signIn("nobody-" + UUID.randomUUID() + "@example.org", "not-the-password-at-all");

        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-error")));
        assertThat(error.getText()).isEqualToIgnoringCase("wrong email or password.");
        assertThat(browser.findElement(By.id("app")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("sign-in-password")).getAttribute("value"))
                .isEmpty();
        assertNoAccessibilityViolations("the sign-in form with its error");
        screenshot("sign-in");
    }

    @Test
    void repeatedWrongPasswordsLockTheAccountAndTheFormSaysForHowLong() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String person = "locked-" + run + "@example.org";
        ApiClient.Response added = api.post(
                "/api/v1/users",
                ApiClient.JSON
                        .createObjectNode()
                        .put("email", person)
                        .put("displayName", "Lou Locked")
                        .put("role", "viewer")
                        .put("password", "locked-pass-" + run + "-x")
                        .toString());
        assertThat(added.status()).as(added.body()).isEqualTo(201);

        WebElement error = null;
        for (int attempt = 1; attempt <= 8; attempt++) {
            browser.findElement(By.id("sign-in-password")).clear();
            signIn(person, "wrong-password-" + attempt);
            // Each answer empties the password field and enables the button again.
            wait.until(d -> d.findElement(By.id("sign-in-button")).isEnabled()
                    && d.findElement(By.id("sign-in-error")).isDisplayed());
            error = browser.findElement(By.id("sign-in-error"));
            if (error.getText().contains("try again")) {
                break;
            }
        }
        assertThat(error.getText()).containsPattern("try again in \\d+ s");
        assertThat(browser.findElement(By.id("app")).isDisplayed()).isFalse();
    }

    @Test
    void thePlatformOperatorReachesEveryPageAndNoneHasAnAccessibilityViolation() {
        String tag = "dash-axe-" + UUID.randomUUID().toString().substring(0, 8);
        String id = api.submit(email("axe-" + tag, "ada+" + tag + "@example.org", "Ada", "Accessible", tag));
        awaitStatus(api, id, "DELIVERED");
        assertNoAccessibilityViolations("the sign-in form");

        signInAsOperator();
        assertThat(navigationLinks())
                .containsExactly(
                        "Members",
                        "Recent emails",
                        "Users",
                        "API keys",
                        "Organizations",
                        "Settings",
                        "Dead letters",
                        "Platform keys");
        assertThat(browser.findElement(By.id("person")).getText()).isNotBlank();

        visit("#/members", "Members", By.cssSelector("#members tbody tr"));
        visit("#/members/axe-" + tag, "axe-" + tag, By.cssSelector("#member-emails tbody tr"));
        visit("#/emails", "Recent emails", By.cssSelector("#emails tbody tr"));
        visit("#/emails/" + id, "Accessible", By.cssSelector("ol.timeline li"));
        visit("#/users", "Users", By.cssSelector("#users tbody tr"));
        assertThat(browser.findElement(By.id("users")).getText()).contains(OPERATOR, "(you)");
        visit("#/keys", "API keys", By.cssSelector("#keys table, #keys .empty"));
        visit("#/organizations", "Organizations", By.cssSelector("#organizations tbody tr[data-organization=default]"));
        visit("#/settings", "Settings", By.id("current-default-provider"));
        String provider = browser.findElement(By.id("current-default-provider")).getText();
        assertThat(provider).isNotBlank();
        // Saving the provider already in force: goes through the API (with the CSRF token), changes nothing.
        browser.findElement(By.cssSelector("#default-provider button[type=submit]"))
                .click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(
                                By.cssSelector("#default-provider [role=status]")))
                        .getText())
                .contains("Saved", provider);
        visit("#/dead-letters", "Dead letters", By.cssSelector("#dead-letters table, #dead-letters .empty"));
        visit("#/platform-keys", "Platform keys", By.cssSelector("#keys table, #keys .empty"));
        visit("#/account", "Your account", By.id("change-password"));

        // A refused form names its field next to the field, and the page stays accessible.
        browser.get(base() + "/dashboard/#/users");
        wait.until(ExpectedConditions.textToBe(VIEW_TITLE, "Users"));
        browser.findElement(By.cssSelector("#add-user input[name=email]")).sendKeys("not-an-address");
        browser.findElement(By.cssSelector("#add-user button[type=submit]")).click();
        WebElement emailError = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#add-user [data-field=email] .field-error")));
        assertThat(emailError.getText()).isNotBlank();
        assertThat(browser.findElement(By.cssSelector("#add-user input[name=email]"))
                        .getAttribute("aria-invalid"))
                .isEqualTo("true");
        assertThat(browser.findElement(By.cssSelector("#add-user > .alert")).isDisplayed())
                .isTrue();
        assertNoAccessibilityViolations("the users page with a refused form");
    }

    @Test
    void aKeyCreatedInTheDashboardIsShownOnceWorksWithItsScopesAndStopsWhenRevoked() {
        String name = "dash key " + UUID.randomUUID().toString().substring(0, 8);
        signInAsOperator();
        open("#/keys", "API keys");

        browser.findElement(By.cssSelector("#create-key input[name=name]")).sendKeys(name);
        // Read only: send is ticked by default, untick it.
        WebElement sendScope = browser.findElement(By.cssSelector("#create-key input[name=scopes][value=send]"));
        if (sendScope.isSelected()) {
            sendScope.click();
        }
        browser.findElement(By.cssSelector("#create-key button[type=submit]")).click();
        WebElement revealed = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-key-secret")));
        String secret = revealed.getAttribute("value");
        assertThat(secret).startsWith("mr_");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#keys tr[data-key='" + name + "']")));
        assertNoAccessibilityViolations("the keys page showing a new key");

        ApiClient.Response read = api.getWith("/api/v1/messages?limit=1", "Authorization", "Bearer " + secret);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        ApiClient.Response send = api.postRaw(
                "/api/v1/messages",
                ApiClient.email("ada@example.org").getBytes(StandardCharsets.UTF_8),
                "Authorization",
                "Bearer " + secret,
                "Content-Type",
                "application/json");
        assertThat(send.status()).as(send.body()).isEqualTo(403);
        assertThat(send.body()).contains("send");

        // Once: after a reload the key is listed by its prefix only.
        browser.navigate().refresh();
        WebElement row = wait.until(
                ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#keys tr[data-key='" + name + "']")));
        assertThat(browser.findElements(By.id("new-key-secret"))).isEmpty();
        assertThat(browser.getPageSource()).doesNotContain(secret);
        assertThat(row.getText()).contains("read", "Active");

        row.findElement(By.xpath(".//button[starts-with(normalize-space(.), 'Revoke')]"))
                .click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#keys tr[data-key='" + name + "']"), "Revoked"));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.getWith("/api/v1/messages?limit=1", "Authorization", "Bearer " + secret)
                                .status()
                        == 401);
    }

    @Test
    void anOrganizationAdminAddsChangesAndRemovesPeopleButNoOwnerAndSeesNoPlatformPage() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String admin = "admin-" + run + "@example.org";
        String password = "admin-pass-" + run + "-x";
        String newcomer = "newcomer-" + run + "@example.org";
        ApiClient.Response added = api.post(
                "/api/v1/users",
                ApiClient.JSON
                        .createObjectNode()
                        .put("email", admin)
                        .put("displayName", "Adam Admin")
                        .put("role", "admin")
                        .put("password", password)
                        .toString());
        assertThat(added.status()).as(added.body()).isEqualTo(201);

        signIn(admin, password);
        wait.until(ExpectedConditions.textToBe(VIEW_TITLE, "Members"));
        assertThat(navigationLinks()).containsExactly("Members", "Recent emails", "Users", "API keys");
        open("#/users", "Users");

        // An admin may not make owners: refused, said beside the role.
        WebElement form = browser.findElement(By.id("add-user"));
        form.findElement(By.name("email")).sendKeys(newcomer);
        form.findElement(By.name("displayName")).sendKeys("Nina Newcomer");
        form.findElement(By.name("password")).sendKeys("newcomer-pass-" + run + "-x");
        new Select(form.findElement(By.name("role"))).selectByValue("owner");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(
                                By.cssSelector("#add-user [data-field=role] .field-error")))
                        .getText())
                .containsIgnoringCase("owner");
        assertThat(api.get("/api/v1/users").body()).doesNotContain(newcomer);

        new Select(form.findElement(By.name("role"))).selectByValue("viewer");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        By row = By.cssSelector("#users tr[data-user='" + newcomer + "']");
        wait.until(ExpectedConditions.visibilityOfElementLocated(row));
        assertThat(browser.findElement(By.cssSelector("#add-user input[name=email]"))
                        .getAttribute("value"))
                .isEmpty();

        new Select(browser.findElement(row).findElement(By.tagName("select"))).selectByValue("admin");
        browser.findElement(row)
                .findElement(By.cssSelector("button[type=submit]"))
                .click();
        await().atMost(Duration.ofSeconds(10)).until(() -> roleOf(newcomer), "admin"::equals);

        browser.findElement(row)
                .findElement(By.xpath(".//button[starts-with(normalize-space(.), 'Remove')]"))
                .click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(row));
        assertThat(roleOf(newcomer)).isNull();

        browser.get(base() + "/dashboard/#/organizations");
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("denied")))
                        .getText())
                .contains("platform operator");
    }

    @Test
    void aViewerSeesNoAdminLinksAndAnAdminPageSaysWhichRoleItNeeds() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String viewer = "viewer-" + run + "@example.org";
        String password = "viewer-pass-" + run + "-x";
        ApiClient.Response added = api.post(
                "/api/v1/users",
                ApiClient.JSON
                        .createObjectNode()
                        .put("email", viewer)
                        .put("displayName", "Vera Viewer")
                        .put("role", "viewer")
                        .put("password", password)
                        .toString());
        assertThat(added.status()).as(added.body()).isEqualTo(201);

        signIn(viewer, password);
        wait.until(ExpectedConditions.textToBe(VIEW_TITLE, "Members"));
        assertThat(navigationLinks()).containsExactly("Members", "Recent emails");
        assertThat(browser.findElement(By.id("person")).getText()).isEqualTo("Vera Viewer");

        for (String page : List.of("#/users", "#/keys")) {
            browser.get(base() + "/dashboard/" + page);
            WebElement denied = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("denied")));
            assertThat(denied.getText()).as(page).contains("You need the admin role", "viewer");
            assertThat(browser.findElements(By.cssSelector("#view form")))
                    .as(page)
                    .isEmpty();
        }
        assertNoAccessibilityViolations("an admin page seen by a viewer");
        browser.get(base() + "/dashboard/#/dead-letters");
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("denied")))
                        .getText())
                .contains("platform operator");

        // Their own password: a weak one is refused with the rule it breaks, under the field.
        browser.findElement(By.id("person")).click();
        wait.until(ExpectedConditions.textToBe(VIEW_TITLE, "Your account"));
        browser.findElement(By.cssSelector("#change-password input[name=currentPassword]"))
                .sendKeys(password);
        browser.findElement(By.cssSelector("#change-password input[name=newPassword]"))
                .sendKeys("short");
        browser.findElement(By.cssSelector("#change-password button[type=submit]"))
                .click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(
                                By.cssSelector("#change-password [data-field=newPassword] .field-error")))
                        .getText())
                .contains("too short");
        assertNoAccessibilityViolations("the account page with a refused password");
        // The refused form keeps what was typed.
        browser.findElement(By.cssSelector("#change-password input[name=newPassword]"))
                .clear();
        browser.findElement(By.cssSelector("#change-password input[name=newPassword]"))
                .sendKeys(password + "-new");
        browser.findElement(By.cssSelector("#change-password button[type=submit]"))
                .click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#change-password [role=status]"), "changed"));
        browser.findElement(By.id("sign-out")).click();
        signIn(viewer, password + "-new");
        wait.until(ExpectedConditions.textToBe(VIEW_TITLE, "Members"));
    }

    @Test
    void theOperatorCreatesAnOrganizationAndItsOwnerSwitchesBetweenTheirs() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        // Ids sort after "default": a person's first organization stays the one they sign in to.
        String organization = "zz-dash-" + run;
        String owner = "owner-" + run + "@example.org";
        String password = "owner-pass-" + run + "-x";
        signInAsOperator();
        open("#/organizations", "Organizations");
        browser.findElement(By.cssSelector("#create-organization input[name=id]"))
                .sendKeys(organization);
        browser.findElement(By.cssSelector("#create-organization input[name=name]"))
                .sendKeys("Dash " + run);
        browser.findElement(By.cssSelector("#create-organization input[name='owner.email']"))
                .sendKeys(owner);
        browser.findElement(By.cssSelector("#create-organization input[name='owner.displayName']"))
                .sendKeys("Olga Owner");
        browser.findElement(By.cssSelector("#create-organization input[name='owner.password']"))
                .sendKeys(password);
        browser.findElement(By.cssSelector("#create-organization button[type=submit]"))
                .click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#organizations tr[data-organization='" + organization + "']")));

        // The same id again: refused, and the form says which field.
        browser.findElement(By.cssSelector("#create-organization input[name=id]"))
                .sendKeys(organization);
        browser.findElement(By.cssSelector("#create-organization input[name=name]"))
                .sendKeys("Again");
        browser.findElement(By.cssSelector("#create-organization input[name='owner.email']"))
                .sendKeys(owner);
        browser.findElement(By.cssSelector("#create-organization button[type=submit]"))
                .click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(
                                By.cssSelector("#create-organization [data-field=id] .field-error")))
                        .getText())
                .containsIgnoringCase("exists");

        // The new owner is also a viewer of the default organization: two organizations to switch between.
        ApiClient.Response added = api.post(
                "/api/v1/users",
                ApiClient.JSON
                        .createObjectNode()
                        .put("email", owner)
                        .put("role", "viewer")
                        .toString());
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        browser.findElement(By.id("sign-out")).click();
        signIn(owner, password);
        wait.until(ExpectedConditions.textToBe(VIEW_TITLE, "Members"));
        assertThat(navigationLinks()).containsExactly("Members", "Recent emails");

        Select switcher =
                new Select(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("organization-choice"))));
        assertThat(switcher.getFirstSelectedOption().getText()).contains("viewer");
        switcher.selectByValue(organization);
        browser.findElement(By.cssSelector("#organization-switcher button[type=submit]"))
                .click();
        wait.until(d -> navigationLinks().contains("Users"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("members"), "No members yet."));
        open("#/users", "Users");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("users"), owner));
        assertThat(browser.findElement(By.id("users")).getText()).doesNotContain(OPERATOR);
        assertNoAccessibilityViolations("the users page of a second organization");
        screenshot("users-second-organization");
    }

    @Test
    void theOperatorDiscardsADeadLetterFromTheDashboard() {
        String poisonId = "dash-poison-" + UUID.randomUUID();
        MessageProperties props = new MessageProperties();
        props.setMessageId(poisonId);
        props.setType(MessageTypes.SUBMIT_V1);
        rabbit.send("", QueueNames.MAILBOX, new Message("not json at all".getBytes(StandardCharsets.UTF_8), props));
        String id = await().atMost(Duration.ofSeconds(15)).until(() -> deadLetterId(poisonId), found -> found != null);

        signInAsOperator();
        open("#/dead-letters", "Dead letters");
        By row = By.cssSelector("#dead-letters tr[data-dead-letter='" + id + "']");
        WebElement letter = wait.until(ExpectedConditions.visibilityOfElementLocated(row));
        assertThat(letter.getText()).contains(QueueNames.MAILBOX, poisonId);
        assertNoAccessibilityViolations("the dead letters page with a letter");
        screenshot("dead-letters-open");

        letter.findElement(By.xpath(".//button[starts-with(normalize-space(.), 'Discard')]"))
                .click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(row, "Discard requested"));
        await().atMost(Duration.ofSeconds(15)).until(() -> deadLetterId(poisonId) == null);
    }

    @Test
    void theOperatorSavesAFailoverOrderAndSeesItAfterAReload() {
        signInAsOperator();
        visit("#/settings", "Settings", By.id("current-failover"));
        By providers = By.cssSelector("#failover input[name=providers]");
        By save = By.cssSelector("#failover button[type=submit]");
        try {
            // A name that is no provider is refused beside the field, and nothing is saved.
            browser.findElement(providers).clear();
            browser.findElement(providers).sendKeys("smtp, carrier-pigeon");
            browser.findElement(save).click();
            WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("#failover [data-field=providers] .field-error")));
            assertThat(error.getText()).contains("carrier-pigeon");
            assertNoAccessibilityViolations("the settings page with a refused failover order");

            browser.findElement(providers).clear();
            browser.findElement(providers).sendKeys("smtp");
            browser.findElement(save).click();
            assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(
                                    By.cssSelector("#failover [role=status]")))
                            .getText())
                    .contains("Saved", "smtp");

            // The operator stores it a moment later; a reload then shows it.
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> api.get("/api/v1/settings")
                                    .json()
                                    .get("failover")
                                    .toString(),
                            "[\"smtp\"]"::equals);
            browser.navigate().refresh();
            wait.until(ExpectedConditions.textToBe(By.id("current-failover"), "smtp"));
            assertThat(browser.findElement(providers).getAttribute("value")).isEqualTo("smtp");
        } finally {
            api.put("/api/v1/settings/failover", "{\"providers\":[]}");
        }
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

        signInAsOperator();
        search("dash-" + run);
        assertThat(browser.findElements(By.cssSelector("#members tbody tr"))).hasSize(2);

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

        signInAsOperator();
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
    void theSessionLastsAcrossReloadsUntilSignOut() {
        signInAsOperator();

        browser.navigate().refresh();
        wait.until(ExpectedConditions.textToBe(VIEW_TITLE, "Members"));
        assertThat(browser.manage().getCookieNamed("SESSION").isHttpOnly()).isTrue();
        browser.findElement(By.id("sign-out")).click();

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-email")));
        browser.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-email")));
        assertThat(browser.findElement(By.id("app")).isDisplayed()).isFalse();
        assertThat(browser.executeScript("return sessionStorage.length + localStorage.length"))
                .isEqualTo(0L);
    }

    /** The role of this person in the default organization, or null when they are not a member. */
    private String roleOf(String email) {
        for (JsonNode user : api.get("/api/v1/users").json().get("items")) {
            if (email.equals(user.get("email").asString())) {
                return user.get("role").asString();
            }
        }
        return null;
    }

    /** The open dead letter of this AMQP message id, or null. */
    private String deadLetterId(String messageId) {
        ApiClient.Response response = api.get("/api/v1/dead-letters?limit=500");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        for (JsonNode item : response.json().get("items")) {
            if (messageId.equals(item.path("messageId").asString(null))) {
                return item.get("id").asString();
            }
        }
        return null;
    }

    /** For a wait that timed out: where the browser is and what it shows. */
    private String whatThePageShows() {
        String text = browser.findElement(By.tagName("body")).getText();
        return "at " + browser.getCurrentUrl() + ", the page shows: "
                + (text.length() > 1500 ? text.substring(0, 1500) + "…" : text);
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private void signIn(String email, String password) {
        WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-email")));
        input.clear();
        input.sendKeys(email);
        browser.findElement(By.id("sign-in-password")).sendKeys(password);
        browser.findElement(By.id("sign-in-button")).click();
    }

    private void signInAsOperator() {
        signIn(OPERATOR, ApiClient.TEST_OPERATOR_PASSWORD);
        wait.until(ExpectedConditions.textToBe(VIEW_TITLE, "Members"));
    }

    /** The main navigation's visible links, in order. */
    private List<String> navigationLinks() {
        return browser.findElements(By.cssSelector("#app-nav a")).stream()
                .filter(WebElement::isDisplayed)
                .map(WebElement::getText)
                .toList();
    }

    private void open(String hash, String title) {
        browser.get(base() + "/dashboard/" + hash);
        wait.until(ExpectedConditions.textToBe(VIEW_TITLE, title));
    }

    /** Opens a page, waits until its content has loaded, and checks it with axe-core. */
    private void visit(String hash, String title, By loaded) {
        open(hash, title);
        wait.until(ExpectedConditions.presenceOfElementLocated(loaded));
        assertThat(browser.findElements(By.cssSelector(".loading"))).as(hash).isEmpty();
        assertThat(browser.findElement(By.id("error")).isDisplayed())
                .as(hash + ": " + browser.findElement(By.id("error")).getText())
                .isFalse();
        assertNoAccessibilityViolations(hash);
        // One file per kind of page ("#/members/<id>" is members-one): a later run replaces it.
        String[] parts = hash.substring(2).split("/");
        screenshot(parts[0] + (parts.length > 1 ? "-one" : ""));
    }

    private void screenshot(String name) {
        try {
            Files.createDirectories(PAGES);
            Files.write(PAGES.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** axe-core on the page as it is now: every rule it runs by default (WCAG 2.x A and AA, best practices). */
    private void assertNoAccessibilityViolations(String what) {
        browser.executeScript("if (!window.axe) { " + axeScript + "\n}");
        Object violations = browser.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, {resultTypes: ['violations']})
                    .then((r) => done(r.violations.map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' at '
                        + v.nodes.map((n) => n.target.join(' ')).join(', '))))
                    .catch((e) => done(['axe failed: ' + e]));
                """);
        assertThat((List<?>) violations).as("axe-core violations on " + what).isEmpty();
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
