package dev.mailroom.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.ApiClient.Response;
import dev.mailroom.server.support.EndToEndTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The dashboard is reachable at / and /dashboard/, loads signed out with its sign-in form, and allows only its own scripts. */
@EndToEndTest
class DashboardPagesTest {
    @LocalServerPort
    int port;

    ApiClient http;

    @BeforeEach
    void connect() {
        http = new ApiClient(port);
    }

    @Test
    void theRootAndTheBareDashboardPathRedirectToTheDashboard() {
        for (String path : new String[] {"/", "/dashboard"}) {
            Response response = http.getWith(path);

            assertThat(response.status()).as(path).isEqualTo(302);
            assertThat(response.headers().get("location"))
                    .as(path)
                    .singleElement()
                    .asString()
                    .endsWith("/dashboard/");
        }
    }

    @Test
    void theDashboardPageLoadsSignedOutAndAsksForEmailAndPassword() {
        Response response = http.getWith("/dashboard/");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("text/html");
        assertThat(response.body())
                .contains(
                        "<label for=\"sign-in-email\">Email</label>",
                        "<label for=\"sign-in-password\">Password</label>",
                        "dashboard.js",
                        "dashboard.css")
                .doesNotContain("api-key");
    }

    @Test
    void theNavigationOffersScheduledAndUsageToMembersAndPlansToThePlatformOperator() {
        String page = http.getWith("/dashboard/").body();

        assertThat(page)
                .contains(
                        "<a href=\"#/scheduled\" data-section=\"scheduled\" data-needs=\"organization\">Scheduled</a>",
                        "<a href=\"#/usage\" data-section=\"usage\" data-needs=\"organization\">Usage</a>",
                        "<a href=\"#/plans\" data-section=\"plans\" data-needs=\"platform\">Plans &amp; limits</a>");
    }

    @Test
    void theNavigationOffersSuppressionsToMembersAndWebhooksToAdmins() {
        String page = http.getWith("/dashboard/").body();

        assertThat(page)
                .contains(
                        "<a href=\"#/suppressions\" data-section=\"suppressions\" data-needs=\"organization\">Suppressions</a>",
                        "<a href=\"#/webhooks\" data-section=\"webhooks\" data-needs=\"admin\">Webhooks</a>");
    }

    @Test
    void theDashboardAllowsOnlyItsOwnScriptsAndIsNeverFramed() {
        Response page = http.getWith("/dashboard/");
        Response script = http.getWith("/dashboard/dashboard.js");

        assertThat(page.headers().get("content-security-policy"))
                .containsExactly(DashboardHeaders.CONTENT_SECURITY_POLICY);
        assertThat(DashboardHeaders.CONTENT_SECURITY_POLICY)
                .contains("script-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe");
        assertThat(page.headers().get("referrer-policy")).containsExactly("no-referrer");
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.contentType()).contains("javascript");
        assertThat(script.headers().get("content-security-policy")).isNotEmpty();
        assertThat(script.headers().get("cache-control")).containsExactly("no-cache");
    }
}
