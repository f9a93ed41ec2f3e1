package dev.mailroom.server.support;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * A browser's side of the dashboard over real HTTP: keeps cookies (the session, the CSRF token) and
 * sends the CSRF token back as {@code X-XSRF-TOKEN} on every request that changes something, as the
 * dashboard's script does. No API key.
 */
public final class SignedInClient {
    private final String baseUrl;
    private final CookieManager cookies;
    private final HttpClient http;

    public SignedInClient(int port) {
        this(port, new CookieManager());
    }

    private SignedInClient(int port, CookieManager cookies) {
        this.baseUrl = "http://127.0.0.1:" + port;
        this.cookies = cookies;
        this.http = HttpClient.newBuilder()
                .cookieHandler(cookies)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** The same browser (its cookies) talking to another Mailroom process on this host, as behind a load balancer. */
    public SignedInClient onPort(int port) {
        return new SignedInClient(port, cookies);
    }

    /** Fetches the sign-in options (which sets the CSRF cookie) and signs in; the answer of {@code POST /login}. */
    public ApiClient.Response signIn(String email, String password) {
        get("/api/v1/sign-in-options");
        String form = "email=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        ApiClient.Response answer = send("POST", "/login", form, "application/x-www-form-urlencoded", true);
        if (answer.status() == 204) {
            // The token changes at sign-in; the page reads it again from its next answer.
            get("/api/v1/session");
        }
        return answer;
    }

    public ApiClient.Response get(String path) {
        return send("GET", path, null, null, false);
    }

    public ApiClient.Response post(String path, String json) {
        return send("POST", path, json, "application/json", true);
    }

    public ApiClient.Response put(String path, String json) {
        return send("PUT", path, json, "application/json", true);
    }

    public ApiClient.Response delete(String path) {
        return send("DELETE", path, null, null, true);
    }

    /** A request that changes something, without the CSRF header: what a forged cross-site request looks like. */
    public ApiClient.Response postWithoutCsrfToken(String path, String json) {
        return send("POST", path, json, "application/json", false);
    }

    public Optional<String> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue)
                .findFirst();
    }

    /** Replaces a cookie's value (for a test that plants a session id before signing in). */
    public void setCookie(String name, String value) {
        HttpCookie cookie = new HttpCookie(name, value);
        cookie.setPath("/");
        cookie.setVersion(0);
        cookies.getCookieStore().add(URI.create(baseUrl), cookie);
    }

    private ApiClient.Response send(String method, String path, String body, String contentType, boolean csrf) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (csrf) {
            cookie("XSRF-TOKEN").ifPresent(token -> request.header("X-XSRF-TOKEN", token));
        }
        return ApiClient.send(http, request.build());
    }
}
