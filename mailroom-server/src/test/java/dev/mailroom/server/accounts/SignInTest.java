package dev.mailroom.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.SignedInClient;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** People sign in to the dashboard with a session: CSRF, cookie flags, session fixation, lockout, sign-out, roles. */
@EndToEndTest
class SignInTest {
    static final String PASSWORD = "correct horse battery";

    @LocalServerPort
    int port;

    private ApiClient api() {
        return new ApiClient(port);
    }

    /** A new person in the first organization, added by its admin key. */
    private String addPerson(String role) {
        String email = "person-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        ApiClient.Response added = api().post(
                        "/api/v1/users",
                        "{\"email\":\"" + email + "\",\"displayName\":\"Pat\",\"role\":\"" + role + "\",\"password\":\""
                                + PASSWORD + "\"}");
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        return email;
    }

    @Test
    void aPersonSignsInWithAnHttpOnlyStrictSessionCookieAndActsForTheirOrganization() {
        String email = addPerson("admin");
        SignedInClient browser = new SignedInClient(port);

        ApiClient.Response signedIn = browser.signIn(email, PASSWORD);

        assertThat(signedIn.status()).isEqualTo(204);
        String cookie = String.join("\n", signedIn.headers().getOrDefault("set-cookie", List.of()));
        assertThat(cookie)
                .contains("SESSION=")
                .containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Strict");
        JsonNode session = browser.get("/api/v1/session").json();
        assertThat(session.path("kind").asString()).isEqualTo("user");
        assertThat(session.path("user").path("email").asString()).isEqualTo(email);
        assertThat(session.path("organization").path("id").asString()).isEqualTo("default");
        assertThat(session.path("organization").path("role").asString()).isEqualTo("admin");
        assertThat(browser.get("/api/v1/messages").status()).isEqualTo(200);
        assertThat(browser.post("/api/v1/messages", ApiClient.email("from-a-session@example.org"))
                        .status())
                .isEqualTo(202);
    }

    @Test
    void aRequestThatChangesSomethingWithoutTheCsrfTokenIsRefused() {
        String email = addPerson("admin");
        SignedInClient browser = new SignedInClient(port);
        browser.signIn(email, PASSWORD);

        ApiClient.Response forged =
                browser.postWithoutCsrfToken("/api/v1/messages", ApiClient.email("forged@example.org"));

        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.json().path("detail").asString()).contains("CSRF");
    }

    @Test
    void signingInWithoutTheCsrfTokenIsRefused() {
        String email = addPerson("viewer");
        SignedInClient browser = new SignedInClient(port);

        ApiClient.Response answer = browser.postWithoutCsrfToken("/login", "email=" + email + "&password=x");

        assertThat(answer.status()).isEqualTo(403);
    }

    @Test
    void signingInGivesANewSessionIdEvenToABrowserThatBroughtOne() {
        String email = addPerson("viewer");
        SignedInClient attacker = new SignedInClient(port);
        attacker.signIn(email, PASSWORD);
        String planted = attacker.cookie("SESSION").orElseThrow();

        SignedInClient victim = new SignedInClient(port);
        victim.setCookie("SESSION", planted);
        ApiClient.Response signedIn = victim.signIn(email, PASSWORD);

        assertThat(signedIn.status()).isEqualTo(204);
        String cookie = String.join("\n", signedIn.headers().getOrDefault("set-cookie", List.of()));
        assertThat(cookie).contains("SESSION=").doesNotContain("SESSION=" + planted);
    }

    @Test
    void aWrongPasswordAndAnUnknownEmailGetTheSameAnswer() {
        String email = addPerson("viewer");

        ApiClient.Response wrong = new SignedInClient(port).signIn(email, "not the password at all");
        ApiClient.Response unknown =
                new SignedInClient(port).signIn("nobody-" + UUID.randomUUID() + "@example.org", PASSWORD);

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(wrong.json().path("detail").asString())
                .isEqualTo(unknown.json().path("detail").asString())
                .isEqualTo("wrong email or password");
    }

    @Test
    void repeatedFailuresLockTheAccountEvenAgainstTheRightPassword() {
        String email = addPerson("viewer");
        for (int i = 0; i < 5; i++) {
            assertThat(new SignedInClient(port)
                            .signIn(email, "wrong password " + i)
                            .status())
                    .isEqualTo(401);
        }

        ApiClient.Response locked = new SignedInClient(port).signIn(email, PASSWORD);

        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.headers().get("retry-after")).isNotEmpty();
        assertThat(locked.json().path("detail").asString()).contains("try again in");
    }

    @Test
    void signingOutEndsTheSession() {
        String email = addPerson("viewer");
        SignedInClient browser = new SignedInClient(port);
        browser.signIn(email, PASSWORD);
        String session = browser.cookie("SESSION").orElseThrow();

        assertThat(browser.post("/logout", "").status()).isEqualTo(204);

        SignedInClient replay = new SignedInClient(port);
        replay.setCookie("SESSION", session);
        assertThat(replay.get("/api/v1/session").status()).isEqualTo(401);
    }

    @Test
    void changingThePasswordSignsThePersonOutEverywhereElse() {
        String email = addPerson("viewer");
        SignedInClient laptop = new SignedInClient(port);
        SignedInClient phone = new SignedInClient(port);
        laptop.signIn(email, PASSWORD);
        phone.signIn(email, PASSWORD);
        String newPassword = "a much better passphrase";

        ApiClient.Response wrongCurrent = laptop.put(
                "/api/v1/session/password",
                "{\"currentPassword\":\"nope nope nope\",\"newPassword\":\"" + newPassword + "\"}");
        ApiClient.Response weak = laptop.put(
                "/api/v1/session/password", "{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"short\"}");
        ApiClient.Response changed = laptop.put(
                "/api/v1/session/password",
                "{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"" + newPassword + "\"}");

        assertThat(wrongCurrent.status()).isEqualTo(422);
        assertThat(wrongCurrent.json().path("errors").get(0).path("field").asString())
                .isEqualTo("currentPassword");
        assertThat(weak.json().path("errors").get(0).path("field").asString()).isEqualTo("newPassword");
        assertThat(changed.status()).isEqualTo(204);
        assertThat(laptop.get("/api/v1/session").status()).isEqualTo(200);
        assertThat(phone.get("/api/v1/session").status()).isEqualTo(401);
        assertThat(new SignedInClient(port).signIn(email, PASSWORD).status()).isEqualTo(401);
        assertThat(new SignedInClient(port).signIn(email, newPassword).status()).isEqualTo(204);
    }

    @Test
    void someoneInTwoOrganizationsChoosesWhichOneTheyActFor() {
        String email = addPerson("viewer");
        String second = "second-" + UUID.randomUUID().toString().substring(0, 8);
        ApiClient.Response created = api().post(
                        "/api/v1/organizations",
                        "{\"id\":\"" + second + "\",\"name\":\"Second\",\"owner\":{\"email\":\"" + email + "\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        SignedInClient browser = new SignedInClient(port);
        browser.signIn(email, PASSWORD);
        assertThat(browser.get("/api/v1/session").json().path("organizations").size())
                .isEqualTo(2);

        ApiClient.Response chosen =
                browser.put("/api/v1/session/organization", "{\"organizationId\":\"" + second + "\"}");
        ApiClient.Response notTheirs =
                browser.put("/api/v1/session/organization", "{\"organizationId\":\"no-such-organization\"}");

        assertThat(chosen.status()).isEqualTo(204);
        assertThat(browser.get("/api/v1/organization").json().path("id").asString())
                .isEqualTo(second);
        JsonNode session = browser.get("/api/v1/session").json();
        assertThat(session.path("organization").path("role").asString()).isEqualTo("owner");
        assertThat(session.path("scopes").toString()).contains("admin");
        assertThat(browser.get("/api/v1/users").status()).isEqualTo(200);
        assertThat(notTheirs.status()).isEqualTo(404);
        assertThat(browser.get("/api/v1/organization").json().path("id").asString())
                .isEqualTo(second);
    }

    @Test
    void aViewerReadsButCannotSendOrManage() {
        String email = addPerson("viewer");
        SignedInClient viewer = new SignedInClient(port);
        viewer.signIn(email, PASSWORD);

        assertThat(viewer.get("/api/v1/messages").status()).isEqualTo(200);
        ApiClient.Response users = viewer.get("/api/v1/users");
        assertThat(users.status()).isEqualTo(403);
        assertThat(users.json().path("detail").asString()).contains("scope 'admin'");
        assertThat(viewer.post("/api/v1/messages", ApiClient.email("viewer@example.org"))
                        .status())
                .isEqualTo(403);
        assertThat(viewer.get("/api/v1/dead-letters").status()).isEqualTo(403);
    }

    @Test
    void aRemovedMemberLosesAccessOnTheirOpenSession() {
        String email = addPerson("viewer");
        SignedInClient viewer = new SignedInClient(port);
        viewer.signIn(email, PASSWORD);
        String id = viewer.get("/api/v1/session").json().path("user").path("id").asString();
        assertThat(viewer.get("/api/v1/messages").status()).isEqualTo(200);

        assertThat(api().delete("/api/v1/users/" + id).status()).isEqualTo(204);

        ApiClient.Response after = viewer.get("/api/v1/messages");
        assertThat(after.status()).isEqualTo(403);
    }

    @Test
    void thePlatformOperatorOfTheFirstRunSignsInAndReachesThePlatformRoutes() {
        SignedInClient operator = new SignedInClient(port);

        assertThat(operator.signIn("admin@localhost", ApiClient.TEST_OPERATOR_PASSWORD)
                        .status())
                .isEqualTo(204);

        JsonNode session = operator.get("/api/v1/session").json();
        assertThat(session.path("platform").asBoolean()).isTrue();
        assertThat(session.path("organization").path("role").asString()).isEqualTo("owner");
        assertThat(operator.get("/api/v1/organizations").status()).isEqualTo(200);
        assertThat(operator.get("/api/v1/dead-letters").status()).isEqualTo(200);
    }

    @Test
    void badPeopleRequestsSayWhichRuleAndChangeNothing() {
        int before = api().get("/api/v1/users").json().path("items").size();
        String email = "rules-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";

        ApiClient.Response shortPassword = api().post(
                        "/api/v1/users",
                        "{\"email\":\"" + email
                                + "\",\"displayName\":\"R\",\"role\":\"viewer\",\"password\":\"short\"}");
        ApiClient.Response wellKnown = api().post(
                        "/api/v1/users",
                        "{\"email\":\"" + email
                                + "\",\"displayName\":\"R\",\"role\":\"viewer\",\"password\":\"password1234\"}");
        ApiClient.Response badRole = api().post(
                        "/api/v1/users",
                        "{\"email\":\"" + email + "\",\"displayName\":\"R\",\"role\":\"god\",\"password\":\"" + PASSWORD
                                + "\"}");
        ApiClient.Response badEmail = api().post(
                        "/api/v1/users",
                        "{\"email\":\"not-an-email\",\"displayName\":\"R\",\"role\":\"viewer\",\"password\":\""
                                + PASSWORD + "\"}");

        assertThat(shortPassword.status()).isEqualTo(422);
        assertThat(shortPassword.json().path("errors").get(0).path("field").asString())
                .isEqualTo("password");
        assertThat(shortPassword.json().path("errors").get(0).path("message").asString())
                .contains("at least 12");
        assertThat(wellKnown.json().path("errors").get(0).path("message").asString())
                .contains("well-known");
        assertThat(badRole.json().path("errors").get(0).path("field").asString())
                .isEqualTo("role");
        assertThat(badEmail.json().path("errors").get(0).path("field").asString())
                .isEqualTo("email");
        assertThat(api().get("/api/v1/users").json().path("items").size()).isEqualTo(before);
    }

    @Test
    void addingSomeoneTwiceIsAConflict() {
        String email = addPerson("viewer");

        ApiClient.Response again = api().post(
                        "/api/v1/users",
                        "{\"email\":\"" + email + "\",\"displayName\":\"Pat\",\"role\":\"viewer\",\"password\":\""
                                + PASSWORD + "\"}");

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("errors").get(0).path("field").asString()).isEqualTo("email");
    }
}
