package dev.mailroom.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.Cookie;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;

/** A single sign-on in progress survives the trip through the browser's cookie, and nothing else passes for one. */
class AuthorizationRequestCookieTest {
    private final AuthorizationRequestCookie cookies = new AuthorizationRequestCookie();

    private static final OAuth2AuthorizationRequest STARTED = OAuth2AuthorizationRequest.authorizationCode()
            .authorizationUri("https://id.example.org/authorize")
            .clientId("mailroom")
            .redirectUri("https://mailroom.example.org/login/oauth2/code/corp")
            .scopes(Set.of("openid", "email"))
            .state("state-123")
            .additionalParameters(Map.of("nonce", "hashed-nonce", "code_challenge", "challenge"))
            .attributes(Map.of("registration_id", "corp", "nonce", "nonce-456", "code_verifier", "verifier-789"))
            .authorizationRequestUri("https://id.example.org/authorize?response_type=code&state=state-123")
            .build();

    @Test
    void theSignInInProgressComesBackWithEverythingSpringSecurityChecks() {
        MockHttpServletRequest start = new MockHttpServletRequest("GET", "/oauth2/authorization/corp");
        start.setSecure(true);
        MockHttpServletResponse response = new MockHttpServletResponse();

        cookies.saveAuthorizationRequest(STARTED, start, response);

        String setCookie = response.getHeader(HttpHeaders.SET_COOKIE);
        assertThat(setCookie)
                .startsWith(AuthorizationRequestCookie.NAME + "=")
                .contains("HttpOnly", "Secure", "SameSite=Lax", "Max-Age=600", "Path=/");
        OAuth2AuthorizationRequest back = cookies.loadAuthorizationRequest(callback("state-123", valueOf(setCookie)));
        assertThat(back).isNotNull();
        assertThat(back.getState()).isEqualTo("state-123");
        assertThat(back.getClientId()).isEqualTo("mailroom");
        assertThat(back.getRedirectUri()).isEqualTo(STARTED.getRedirectUri());
        assertThat(back.getScopes()).containsExactlyInAnyOrder("openid", "email");
        assertThat(back.getAttributes()).isEqualTo(STARTED.getAttributes());
        assertThat(back.getAdditionalParameters()).isEqualTo(STARTED.getAdditionalParameters());
        assertThat(back.getAuthorizationRequestUri()).isEqualTo(STARTED.getAuthorizationRequestUri());
    }

    @Test
    void theProviderAnsweringAnotherStateFindsNoSignIn() {
        MockHttpServletResponse response = new MockHttpServletResponse();
        cookies.saveAuthorizationRequest(STARTED, new MockHttpServletRequest(), response);

        String value = valueOf(response.getHeader(HttpHeaders.SET_COOKIE));

        assertThat(cookies.loadAuthorizationRequest(callback("another-state", value)))
                .isNull();
        assertThat(cookies.loadAuthorizationRequest(callback(null, value))).isNull();
    }

    @Test
    void aCookieMailroomDidNotWriteIsNoSignInAndNoError() {
        for (String value : new String[] {
            "not base64 at all!",
            encoded("{\"state\":\"state-123\"}"),
            encoded("[1,2,3]"),
            encoded("{\"state\":\"state-123\",\"scopes\":{\"a\":1}}"),
            ""
        }) {
            assertThat(cookies.loadAuthorizationRequest(callback("state-123", value)))
                    .as(value)
                    .isNull();
        }
    }

    @Test
    void theProvidersAnswerUsesItUpAndExpiresTheCookie() {
        MockHttpServletResponse saved = new MockHttpServletResponse();
        cookies.saveAuthorizationRequest(STARTED, new MockHttpServletRequest(), saved);
        MockHttpServletResponse answered = new MockHttpServletResponse();

        OAuth2AuthorizationRequest removed = cookies.removeAuthorizationRequest(
                callback("state-123", valueOf(saved.getHeader(HttpHeaders.SET_COOKIE))), answered);

        assertThat(removed).isNotNull();
        assertThat(answered.getHeader(HttpHeaders.SET_COOKIE))
                .startsWith(AuthorizationRequestCookie.NAME + "=;")
                .contains("Max-Age=0");
    }

    private static MockHttpServletRequest callback(String state, String cookieValue) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/login/oauth2/code/corp");
        if (state != null) {
            request.setParameter("state", state);
        }
        request.setCookies(new Cookie(AuthorizationRequestCookie.NAME, cookieValue));
        return request;
    }

    private static String valueOf(String setCookie) {
        return setCookie.substring(AuthorizationRequestCookie.NAME.length() + 1, setCookie.indexOf(';'));
    }

    private static String encoded(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
