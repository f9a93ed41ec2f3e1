package dev.mailroom.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.api.NonAdminTestKey;
import dev.mailroom.server.dashboard.DashboardHeaders;
import dev.mailroom.server.security.RawHttp.Answer;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every route Spring MVC has (read from its handler mapping, so a new one is covered the day it is
 * added), in every spelling an attacker would try — case, trailing slash, ';' path parameters,
 * percent-encoded letters and slashes, '//', dot segments, backslashes, traversal out of a public
 * prefix, absolute-form targets — reaches no handler without a valid key: 401 (problem+json,
 * {@code WWW-Authenticate: Bearer}) or 400 from the firewall, never an answer of the handler.
 */
@EndToEndTest
class RouteAuthorizationTest {
    static final String METRICS_TOKEN = ApiClient.TEST_METRICS_TOKEN;
    static final String ADMIN = "Bearer " + ApiClient.TEST_KEY;
    static final String PLATFORM = "Bearer " + ApiClient.TEST_PLATFORM_KEY;
    /** Public: what the sign-in page offers (and its CSRF cookie). */
    static final String SIGN_IN_OPTIONS = "/api/v1/sign-in-options";
    /** Public: one-click unsubscribe, the token is the capability. */
    static final String UNSUBSCRIBE = "/unsubscribe/{token}";

    static final String SOME_ID = "0b6f8c4e-8d1a-4b5e-9c33-2f1d7a9e5b10";

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mvc;

    record Route(String method, String path) {
        boolean platformOnly() {
            return path.startsWith("/api/v1/dead-letters")
                    || path.startsWith("/api/v1/organizations")
                    || path.startsWith("/api/v1/platform/")
                    || (method.equals("PUT") && path.startsWith("/api/v1/settings"));
        }

        boolean needsAdminScope() {
            return path.startsWith("/api/v1/users")
                    || path.startsWith("/api/v1/keys")
                    // Webhook endpoints: read may list and get them; their secrets and every change are admin's.
                    || (path.startsWith("/api/v1/webhook-endpoints")
                            && !(method.equals("GET") && path.split("/").length <= 5))
                    || (method.equals("POST") && path.startsWith("/api/v1/messages/") && path.endsWith("/retry"))
                    || (!method.equals("GET") && path.startsWith("/api/v1/suppressions"))
                    // Erasing a recipient's data and the erasures' audit log.
                    || path.startsWith("/api/v1/recipients/")
                    || path.startsWith("/api/v1/erasures")
                    // An organization's retention: read may see it, only admin change it.
                    || (!method.equals("GET") && path.equals("/api/v1/retention"));
        }
    }

    /** Every handler method's routes but the webhook sink's (public: it verifies each provider's signature). */
    List<Route> guardedRoutes() {
        Set<Route> routes = new LinkedHashSet<>();
        mvc.getHandlerMethods().forEach((info, handler) -> {
            if (handler.getBeanType().getPackageName().startsWith("dev.mailroom.server.webhooks")
                    // Public: the API description and Swagger UI's configuration (springdoc; OpenApiAccessTest).
                    || handler.getBeanType().getPackageName().startsWith("org.springdoc")
                    || info.getPatternValues().contains(SIGN_IN_OPTIONS)
                    // Public: the signed token in its path is the capability (UnsubscribeController).
                    || info.getPatternValues().contains(UNSUBSCRIBE)) {
                return;
            }
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String pattern : info.getPatternValues()) {
                String path = pattern.replaceAll("\\{[^}]*}", SOME_ID);
                for (RequestMethod method :
                        methods.isEmpty() ? Set.of(RequestMethod.GET, RequestMethod.POST) : methods) {
                    routes.add(new Route(method.name(), path));
                }
            }
        });
        assertThat(routes)
                .extracting(Route::path)
                .contains(
                        "/api/v1/messages",
                        "/api/v1/messages/batch",
                        "/api/v1/messages/" + SOME_ID + "/cancel",
                        "/api/v1/members",
                        "/api/v1/settings",
                        "/api/v1/settings/default-provider",
                        "/api/v1/settings/failover",
                        "/api/v1/dead-letters",
                        "/error");
        return List.copyOf(routes);
    }

    /** How an attacker might spell {@code path} so that a prefix check misses it while a parser still finds the route. */
    List<String> spellings(String path) {
        String first = path.substring(1).split("/")[0];
        String rest = path.substring(1 + first.length());
        String tail = rest.isEmpty() ? "" : rest.substring(1);
        List<String> s = new ArrayList<>();
        s.add(path);
        s.add(path + "/");
        s.add(path.toUpperCase(Locale.ROOT));
        s.add("/" + first.toUpperCase(Locale.ROOT) + rest);
        s.add("/" + first + ";x" + rest);
        s.add("/" + first + ";x=1;y" + rest);
        s.add(path + ";jsessionid=x");
        s.add(path + ";");
        s.add("/%" + Integer.toHexString(first.charAt(0)) + first.substring(1) + rest);
        s.add("/%" + Integer.toHexString(first.charAt(0)).toUpperCase(Locale.ROOT) + first.substring(1) + rest);
        s.add(encodeLetters(path));
        s.add("/" + path);
        s.add(path.replace("/", "//"));
        s.add("/." + path);
        s.add("/" + first + "/." + rest);
        s.add("/" + first + "/x/.." + rest);
        s.add("/" + first + "/%2e" + rest);
        s.add("/" + first + "/%2E%2E/" + first + rest);
        s.add("/" + first + "%2F" + tail);
        s.add("/" + first + "%2f" + tail);
        s.add("/" + first + "%252F" + tail);
        s.add("/" + first + "\\" + tail);
        s.add("/" + first + "%5C" + tail);
        s.add("/" + first + "%c0%af" + tail);
        s.add(path + "%00");
        s.add(path + "%0a");
        s.add(path + "%20");
        s.add(path + "/.");
        s.add(path + "?x=1");
        s.add("/webhooks/.." + path);
        s.add("/webhooks/..;" + path);
        s.add("/webhooks/%2e%2e" + path);
        s.add("/dashboard/.." + path);
        s.add("/dashboard/..;" + path);
        s.add("/actuator/health/../.." + path);
        s.add("http://127.0.0.1:" + port + path);
        return s;
    }

    private static String encodeLetters(String path) {
        StringBuilder out = new StringBuilder();
        for (char c : path.toCharArray()) {
            out.append(Character.isLetter(c) ? "%" + Integer.toHexString(c) : String.valueOf(c));
        }
        return out.toString();
    }

    @Test
    void noSpellingOfAnyRouteReachesItsHandlerWithoutAValidKey() {
        SoftAssertions softly = new SoftAssertions();
        int tried = 0;
        for (Route route : guardedRoutes()) {
            for (String target : spellings(route.path())) {
                for (String authorization :
                        new String[] {null, "Bearer not-the-key", "Basic YWRtaW46YWRtaW4=", "Bearer " + METRICS_TOKEN
                        }) {
                    Answer answer = RawHttp.send(
                            port,
                            route.method(),
                            target,
                            authorization,
                            route.method().equals("GET") ? null : "{}");
                    String what = route.method() + " " + target + " with " + authorization + " → " + answer;
                    if (authorization != null && authorization.contains(METRICS_TOKEN)) {
                        refusedToTheMetricsToken(softly, answer, what);
                    } else {
                        refused(softly, answer, what);
                    }
                    tried++;
                }
            }
        }
        softly.assertAll();
        assertThat(tried).isGreaterThan(500);
    }

    /**
     * 401 problem+json with the Bearer challenge, or 400 "Invalid request path" (from the firewall,
     * or from Tomcat for a target it will not decode): never an answer of the handler.
     */
    static void refused(SoftAssertions softly, Answer answer, String what) {
        softly.assertThat(answer.status()).as(what).isIn(400, 401);
        softly.assertThat(answer.isProblem()).as(what).isTrue();
        if (answer.status() == 401) {
            softly.assertThat(answer.header("www-authenticate")).as(what).isEqualTo("Bearer");
        } else if (answer.isProblem()) {
            softly.assertThat(answer.json().path("title").asString()).as(what).isEqualTo("Invalid request path");
        }
    }

    /** The metrics token is a valid token but no API key: 403, or 400 "Invalid request path". */
    static void refusedToTheMetricsToken(SoftAssertions softly, Answer answer, String what) {
        softly.assertThat(answer.status()).as(what).isIn(400, 403);
        softly.assertThat(answer.isProblem()).as(what).isTrue();
        if (answer.isProblem() && answer.status() == 400) {
            softly.assertThat(answer.json().path("title").asString()).as(what).isEqualTo("Invalid request path");
        }
    }

    @Test
    void theRawPathTricksOfTheIssueAnswer401OrAClear400() {
        for (String target : List.of(
                "/api;x/v1/settings",
                "/%61pi/v1/settings",
                "//api/v1/settings",
                "/API/v1/settings",
                "/api/v1/settings/",
                "/api/./v1/settings",
                "/api/v1/settings;jsessionid=x")) {
            Answer answer = RawHttp.send(port, "GET", target, null);

            assertThat(answer.status()).as(target + " → " + answer).isIn(400, 401);
            assertThat(answer.isProblem()).as(target + " → " + answer).isTrue();
        }
        Answer encoded = RawHttp.send(port, "GET", "/%61pi/v1/settings", null);
        assertThat(encoded.status()).isEqualTo(401);
        assertThat(encoded.json().path("detail").asString())
                .isEqualTo("missing API key: send the header 'Authorization: Bearer <api key>'");
        Answer semicolon = RawHttp.send(port, "GET", "/api;x/v1/settings", null);
        assertThat(semicolon.status()).isEqualTo(400);
        assertThat(semicolon.json().path("detail").asString()).contains("';'");
    }

    @Test
    void theOrganizationsAdminKeyReachesEveryOrganizationRouteAndThePlatformKeyEveryPlatformRoute() {
        for (Route route : guardedRoutes()) {
            String body = route.method().equals("GET") ? null : "{}";
            Answer admin = RawHttp.send(port, route.method(), route.path(), ADMIN, body);
            Answer platform = RawHttp.send(port, route.method(), route.path(), PLATFORM, body);

            if (route.platformOnly()) {
                assertThat(platform.status()).as(route + " → " + platform).isNotIn(401, 403);
                assertThat(admin.status()).as(route + " → " + admin).isEqualTo(403);
                assertThat(admin.json().path("detail").asString())
                        .as(route.toString())
                        .isEqualTo(HttpSecurityConfiguration.NEEDS_PLATFORM);
            } else {
                assertThat(admin.status()).as(route + " → " + admin).isNotIn(401, 403);
            }
        }
    }

    @Test
    void aKeyWithoutTheAdminScopeIsRefusedUsersKeysAndThePlatformButReadsAndSends() {
        String reader = "Bearer " + NonAdminTestKey.KEY;
        for (Route route : guardedRoutes()) {
            Answer answer = RawHttp.send(
                    port, route.method(), route.path(), reader, route.method().equals("GET") ? null : "{}");

            if (route.platformOnly() || route.needsAdminScope()) {
                assertThat(answer.status()).as(route + " → " + answer).isEqualTo(403);
                assertThat(answer.isProblem()).as(route + " → " + answer).isTrue();
                assertThat(answer.json().path("detail").asString())
                        .as(route.toString())
                        .isEqualTo(
                                route.platformOnly()
                                        ? HttpSecurityConfiguration.NEEDS_PLATFORM
                                        : HttpSecurityConfiguration.needsScope(Scope.ADMIN));
            } else {
                assertThat(answer.status()).as(route + " → " + answer).isNotIn(401, 403);
            }
        }
    }

    @Test
    void theOldDetailTextsOf401AreKept() {
        Answer missing = RawHttp.send(port, "GET", "/api/v1/messages", null);
        Answer wrong = RawHttp.send(port, "GET", "/api/v1/messages", "Bearer not-the-key");
        Answer otherScheme = RawHttp.send(port, "GET", "/api/v1/messages", "Basic YWRtaW46YWRtaW4=");

        assertThat(missing.json().path("detail").asString())
                .isEqualTo("missing API key: send the header 'Authorization: Bearer <api key>'");
        assertThat(wrong.json().path("detail").asString()).isEqualTo("the API key is not valid");
        assertThat(otherScheme.json().path("detail").asString()).startsWith("missing API key");
        assertThat(missing.json().path("title").asString()).isEqualTo("Unauthorized");
        assertThat(missing.json().path("status").asInt()).isEqualTo(401);
    }

    @Test
    void aKeyCreatesNoSessionAndNeedsNoCsrfToken() {
        Answer answer = RawHttp.send(port, "POST", "/api/v1/messages", ADMIN, ApiClient.email("session@example.org"));

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.header("set-cookie")).isNull();
    }

    @Test
    void theDashboardHeadersAreOnEveryDashboardAnswerHoweverItsPathIsSpelled() {
        List<String> spellings = List.of(
                "/",
                "/dashboard",
                "/dashboard/",
                "/dashboard/index.html",
                "/dashboard/dashboard.js",
                "/dashboard/dashboard.css",
                "/dashboard/favicon.svg",
                "/%64ashboard/index.html",
                "/dashboard/%69ndex.html",
                "/Dashboard/",
                "/DASHBOARD/index.html",
                "/dashboard/index.html/",
                "/dashboard//index.html",
                "//dashboard/",
                "/dashboard/./index.html",
                "/dashboard/x/../index.html",
                "/dashboard/index.html;x",
                "/dashboard;x/index.html",
                "/dashboard/%2e/index.html",
                "/dashboard%2Findex.html",
                "/dashboard/index.html%00",
                "/dashboard%5Cindex.html",
                "/dashboard/%c0%afindex.html",
                "/dashboard/missing.js",
                "/dashboard/index.html?x=%3Cscript%3E",
                "http://127.0.0.1:" + port + "/dashboard/");
        SoftAssertions softly = new SoftAssertions();
        for (String target : spellings) {
            for (String method : List.of("GET", "HEAD")) {
                Answer answer = RawHttp.send(port, method, target, null);
                String what = method + " " + target + " → " + answer.status() + " " + answer.headers();
                softly.assertThat(answer.header("content-security-policy"))
                        .as(what)
                        .isEqualTo(DashboardHeaders.CONTENT_SECURITY_POLICY);
                softly.assertThat(answer.header("x-content-type-options"))
                        .as(what)
                        .isEqualTo("nosniff");
                softly.assertThat(answer.header("referrer-policy")).as(what).isEqualTo("no-referrer");
                softly.assertThat(answer.header("x-frame-options")).as(what).isEqualTo("DENY");
            }
        }
        softly.assertAll();
        Answer page = RawHttp.send(port, "GET", "/%64ashboard/index.html", null);
        assertThat(page.status())
                .as("an encoded letter still finds the page, with its headers")
                .isIn(200, 400, 401, 404);
    }
}
