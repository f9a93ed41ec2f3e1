package dev.mailroom.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.MailroomApplication;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.TestDataDir;
import java.io.IOException;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerAutoConfiguration;
import org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerJwtAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Single sign-on against a real OpenID Connect provider: Spring Authorization Server in a context of its
 * own on a random port, driven over real HTTP like a browser (one cookie jar per site: the provider is
 * {@code localhost}, Mailroom {@code 127.0.0.1}, a loopback redirect URI whose port the provider does not
 * pin). This Mailroom (API role, H2, embedded broker) needs the provider's registration at start, hence a
 * context of its own.
 */
@SpringBootTest(
        classes = MailroomApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            // The API alone (no consumer of queues another test may share); it migrates its own H2 here.
            "mailroom.roles=api",
            "spring.flyway.enabled=true",
            // No broker of its own: closing a second embedded broker in this JVM stops the shared suite's one
            // (Qpid's Derby store shuts Derby down for the whole JVM). Sign-in needs no broker; nothing listens here.
            "spring.rabbitmq.host=127.0.0.1",
            "spring.rabbitmq.port=1",
            "mailroom.api.bootstrap-key=" + ApiClient.TEST_KEY,
            "spring.security.oauth2.client.registration.test-idp.client-id=" + SingleSignOnTest.CLIENT_ID,
            "spring.security.oauth2.client.registration.test-idp.client-secret=" + SingleSignOnTest.CLIENT_SECRET,
            "spring.security.oauth2.client.registration.test-idp.client-name=Test provider",
            "spring.security.oauth2.client.registration.test-idp.scope=openid,email"
        })
@DirtiesContext
class SingleSignOnTest {
    static final String CLIENT_ID = "mailroom";
    static final String CLIENT_SECRET = "mailroom-test-client-secret";
    static final String PROVIDER_PASSWORD = "provider-password";
    static final String MAILROOM_PASSWORD = "a-long-enough-mailroom-password-8341";

    /** Emails of this run only: on PostgreSQL the users table outlives the run. */
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    static final String ADA = "ada-" + RUN + "@example.org";
    static final String BOB = "bob-" + RUN + "@example.org";
    static final String CY = "cy-" + RUN + "@example.org";

    /** The provider's people: user name → the email it vouches for, and whether it verified it. */
    record ProviderPerson(String email, boolean verified) {}

    static final Map<String, ProviderPerson> PROVIDER_PEOPLE = Map.of(
            // Spelled otherwise than in Mailroom: an email matches whatever its case.
            "ada", new ProviderPerson(ADA.toUpperCase(Locale.ROOT), true),
            "bob", new ProviderPerson(BOB, false),
            "cy", new ProviderPerson(CY, true));

    private static ConfigurableApplicationContext provider;

    @LocalServerPort
    int port;

    @Autowired
    UserStore users;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Path dataDir = TestDataDir.create();
        registry.add("mailroom.data-dir", dataDir::toString);
        // H2 even in the suite's PostgreSQL pass: a process with the API role alone opens PostgreSQL read-only and
        // cannot migrate it, and nothing here depends on the database (the embedded run's URL).
        registry.add(
                "spring.datasource.url",
                () -> "jdbc:h2:file:" + dataDir.resolve("db").resolve("mailroom")
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0");
        registry.add("spring.datasource.username", () -> "sa");
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.security.oauth2.client.provider.test-idp.issuer-uri", SingleSignOnTest::issuer);
    }

    @AfterAll
    static void stopProvider() {
        if (provider != null) {
            provider.close();
        }
    }

    @Test
    void aPersonWhoseVerifiedEmailIsAMailroomUserIsSignedInAsThatUserWithoutTouchingTheirLockout() {
        UUID ada = addMember(ADA);
        // Locked by password failures: single sign-on neither refuses them for it nor clears it.
        Instant lockedUntil = Instant.now().plus(Duration.ofHours(1));
        users.recordFailedSignIn(ada, 7, lockedUntil);
        Browser browser = new Browser();

        URI landed = browser.signInWithProvider("ada");

        assertThat(landed.getPath()).isEqualTo("/dashboard/");
        assertThat(landed.getFragment()).isNull();
        HttpResponse<String> session = browser.open(mailroom("/api/v1/session"));
        assertThat(session.statusCode()).isEqualTo(200);
        JsonNode body = ApiClient.JSON.readTree(session.body());
        assertThat(body.get("kind").asString()).isEqualTo("user");
        assertThat(body.get("user").get("id").asString()).isEqualTo(ada.toString());
        assertThat(body.get("user").get("email").asString()).isEqualTo(ADA);
        assertThat(body.get("scopes").valueStream().map(JsonNode::asString)).containsExactly("read");
        UserStore.UserRow after = users.findById(ada).orElseThrow();
        assertThat(after.failedSignIns()).isEqualTo(7);
        assertThat(after.lockedUntil()).isNotNull();
    }

    @Test
    void anEmailTheProviderHasNotVerifiedOpensNoSession() {
        addMember(BOB);
        Browser browser = new Browser();

        URI landed = browser.signInWithProvider("bob");

        assertThat(landed.getPath()).isEqualTo("/dashboard/");
        assertThat(refusal(landed)).containsEntry("error", "email_not_verified");
        assertThat(refusal(landed).get("message")).contains("not verified your email");
        assertThat(browser.open(mailroom("/api/v1/session")).statusCode()).isEqualTo(401);
    }

    @Test
    void anEmailNoMailroomUserHasOpensNoSessionAndCreatesNobody() {
        Browser browser = new Browser();

        URI landed = browser.signInWithProvider("cy");

        assertThat(refusal(landed)).containsEntry("error", "no_mailroom_account");
        assertThat(refusal(landed).get("message")).contains("ask an administrator");
        assertThat(browser.open(mailroom("/api/v1/session")).statusCode()).isEqualTo(401);
        assertThat(users.findByEmail(CY)).isEmpty();
    }

    @Test
    void theSignInPageListsTheProvider() {
        HttpResponse<String> options = new Browser().open(mailroom("/api/v1/sign-in-options"));

        assertThat(options.statusCode()).isEqualTo(200);
        JsonNode provider =
                ApiClient.JSON.readTree(options.body()).get("singleSignOn").get(0);
        assertThat(provider.get("id").asString()).isEqualTo("test-idp");
        assertThat(provider.get("name").asString()).isEqualTo("Test provider");
        assertThat(provider.get("url").asString()).isEqualTo("/oauth2/authorization/test-idp");
    }

    @Test
    void startingWithAProviderThatIsNotConfiguredIsA404Problem() {
        HttpResponse<String> start = new Browser().open(mailroom(SingleSignOnLogin.START + "no-such-provider"));

        assertThat(start.statusCode()).isEqualTo(404);
        assertThat(start.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(start.body()).contains("no single sign-on provider has this id");
    }

    private UUID addMember(String email) {
        ApiClient.Response added = new ApiClient(port)
                .post(
                        "/api/v1/users",
                        "{\"email\":\"" + email + "\",\"displayName\":\"Someone\",\"role\":\"viewer\",\"password\":\""
                                + MAILROOM_PASSWORD + "\"}");
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        return UUID.fromString(added.json().get("id").asString());
    }

    private URI mailroom(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The refusal's parameters, which Mailroom puts in the fragment of the dashboard's address. */
    private static Map<String, String> refusal(URI landed) {
        String fragment = landed.getRawFragment();
        assertThat(fragment).startsWith("/sign-in?");
        Map<String, String> parameters = new java.util.LinkedHashMap<>();
        for (String pair : fragment.substring("/sign-in?".length()).split("&")) {
            String[] nameValue = pair.split("=", 2);
            parameters.put(nameValue[0], URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8));
        }
        return parameters;
    }

    /**
     * A browser: follows redirects itself, keeps each site's cookies apart, fills in the provider's
     * sign-in form when the provider shows it, and, as browsers do, sends no {@code SameSite=Strict}
     * cookie (Mailroom's session cookie) on a navigation that the provider redirected to Mailroom.
     */
    final class Browser {
        private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

        private final SiteCookies mailroomCookies = new SiteCookies();
        private final HttpClient mailroomSite = site(mailroomCookies);
        private final HttpClient providerSite = site(new SiteCookies());

        /** @return where Mailroom finally sends the browser (the dashboard) */
        URI signInWithProvider(String providerUser) {
            URI next = mailroom(SingleSignOnLogin.START + "test-idp");
            mailroomCookies.crossSite = false;
            for (int step = 0; step < 20; step++) {
                HttpResponse<String> response = get(next);
                if (response.statusCode() / 100 == 3) {
                    next = next.resolve(
                            response.headers().firstValue("Location").orElseThrow());
                    if (!isMailroom(response.uri())) {
                        mailroomCookies.crossSite = true;
                    }
                    if (isMailroom(next) && next.getPath().startsWith("/dashboard")) {
                        return next;
                    }
                } else if (response.statusCode() == 200 && response.body().contains("name=\"password\"")) {
                    next = signInAtProvider(next, response.body(), providerUser);
                } else {
                    throw new AssertionError(
                            "unexpected " + response.statusCode() + " from " + next + ": " + response.body());
                }
            }
            throw new AssertionError("no end to the redirects");
        }

        private URI signInAtProvider(URI loginPage, String page, String user) {
            Matcher csrf = CSRF.matcher(page);
            assertThat(csrf.find())
                    .as("the provider's sign-in form has a CSRF token")
                    .isTrue();
            String form = "username=" + user + "&password=" + PROVIDER_PASSWORD + "&_csrf="
                    + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
            HttpResponse<String> posted = send(HttpRequest.newBuilder(loginPage.resolve("/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "text/html")
                    .POST(HttpRequest.BodyPublishers.ofString(form))
                    .build());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(302);
            return loginPage.resolve(posted.headers().firstValue("Location").orElseThrow());
        }

        /** A request of Mailroom's own page (the dashboard's fetch): same-site, its cookies all go. */
        HttpResponse<String> open(URI uri) {
            mailroomCookies.crossSite = false;
            return get(uri);
        }

        private HttpResponse<String> get(URI uri) {
            // As a browser asks for a page: Spring Security keeps a request to return to only for such requests.
            return send(HttpRequest.newBuilder(uri)
                    .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                    .GET()
                    .build());
        }

        private HttpResponse<String> send(HttpRequest request) {
            HttpClient site = isMailroom(request.uri()) ? mailroomSite : providerSite;
            try {
                return site.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new AssertionError(request.uri() + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        private boolean isMailroom(URI uri) {
            return uri.getPort() == port;
        }

        private static HttpClient site(SiteCookies cookies) {
            return HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .cookieHandler(cookies)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
        }
    }

    /** One site's cookies; while {@link #crossSite}, those set {@code SameSite=Strict} are not sent. */
    static final class SiteCookies extends CookieHandler {
        private final CookieManager jar = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        private final Set<String> strict = ConcurrentHashMap.newKeySet();
        volatile boolean crossSite;

        @Override
        public Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) throws IOException {
            Map<String, List<String>> cookies = jar.get(uri, headers);
            if (!crossSite) {
                return cookies;
            }
            List<String> sent = cookies.getOrDefault("Cookie", List.of()).stream()
                    .flatMap(value -> Arrays.stream(value.split(";\\s*")))
                    .filter(cookie -> !strict.contains(cookie.substring(0, cookie.indexOf('='))))
                    .toList();
            return sent.isEmpty() ? Map.of() : Map.of("Cookie", sent);
        }

        @Override
        public void put(URI uri, Map<String, List<String>> headers) throws IOException {
            headers.forEach((name, values) -> {
                if ("Set-Cookie".equalsIgnoreCase(name)) {
                    values.stream()
                            .filter(value -> value.toLowerCase(Locale.ROOT).contains("samesite=strict"))
                            .forEach(value -> strict.add(
                                    value.substring(0, value.indexOf('=')).strip()));
                }
            });
            jar.put(uri, headers);
        }
    }

    /** Started once, before Mailroom (which reads the provider's discovery document when it starts). */
    static synchronized String issuer() {
        if (provider == null) {
            String client = "--spring.security.oauth2.authorizationserver.client.mailroom.";
            provider = new SpringApplicationBuilder(TestProvider.class)
                    .web(WebApplicationType.SERVLET)
                    .run(
                            // Not Mailroom's application.properties: this is another application.
                            "--spring.config.name=mailroom-test-oidc-provider",
                            "--server.port=0",
                            "--spring.main.banner-mode=off",
                            client + "registration.client-id=" + CLIENT_ID,
                            client + "registration.client-secret={noop}" + CLIENT_SECRET,
                            client + "registration.client-authentication-methods=client_secret_basic",
                            client + "registration.authorization-grant-types=authorization_code",
                            // A loopback redirect URI: the provider accepts it on any port (RFC 8252).
                            client + "registration.redirect-uris=http://127.0.0.1/login/oauth2/code/test-idp",
                            client + "registration.scopes=openid,email",
                            client + "require-authorization-consent=false");
        }
        int providerPort =
                ((WebServerApplicationContext) provider).getWebServer().getPort();
        return "http://localhost:" + providerPort;
    }

    /** The OpenID Connect provider: Spring Boot's authorization server with three people. */
    @ImportAutoConfiguration({
        TomcatServletWebServerAutoConfiguration.class,
        DispatcherServletAutoConfiguration.class,
        SecurityAutoConfiguration.class,
        ServletWebSecurityAutoConfiguration.class,
        SecurityFilterAutoConfiguration.class,
        OAuth2AuthorizationServerAutoConfiguration.class,
        OAuth2AuthorizationServerJwtAutoConfiguration.class
    })
    static class TestProvider {
        @Bean
        UserDetailsService providerPeople() {
            return new InMemoryUserDetailsManager(PROVIDER_PEOPLE.keySet().stream()
                    .map(name -> User.withUsername(name)
                            .password("{noop}" + PROVIDER_PASSWORD)
                            .roles("USER")
                            .build())
                    .toList());
        }

        /** The ID token says who the person is by email (the user-info answer repeats it). */
        @Bean
        OAuth2TokenCustomizer<JwtEncodingContext> emailClaims() {
            return context -> {
                if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
                    ProviderPerson person =
                            PROVIDER_PEOPLE.get(context.getPrincipal().getName());
                    context.getClaims().claim("email", person.email()).claim("email_verified", person.verified());
                }
            };
        }
    }
}
