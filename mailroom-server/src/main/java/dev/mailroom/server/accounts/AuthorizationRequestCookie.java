package dev.mailroom.server.accounts;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.security.oauth2.client.web.AuthorizationRequestRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps a single sign-on in progress (its {@code state}, {@code nonce} and PKCE verifier) in a cookie of its
 * own, {@code SameSite=Lax}, HttpOnly, for ten minutes, instead of in the session. The session cookie is
 * {@code SameSite=Strict}: a browser does not send it when the provider, another site, sends the person back
 * to {@code /login/oauth2/code/<id>}, so a request kept in the session would never be found. Lax cookies do
 * travel with that top-level GET. Any API process can read it (nothing is kept on the process).
 *
 * <p>Not signed: a changed cookie can at most sign the browser in as someone whose provider login the
 * changer holds, which a planted session cookie already could; the provider checks the redirect URI and
 * client, and Spring Security the state, the nonce in the ID token and the PKCE verifier.
 */
final class AuthorizationRequestCookie implements AuthorizationRequestRepository<OAuth2AuthorizationRequest> {
    static final String NAME = "MAILROOM_SSO";
    static final Duration LIFETIME = Duration.ofMinutes(10);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What Spring Security needs back when the provider answers. */
    record Started(
            String authorizationUri,
            String clientId,
            String redirectUri,
            Set<String> scopes,
            String state,
            Map<String, String> parameters,
            Map<String, String> attributes,
            String authorizationRequestUri) {}

    @Override
    public OAuth2AuthorizationRequest loadAuthorizationRequest(HttpServletRequest request) {
        String state = request.getParameter("state");
        if (state == null) {
            return null;
        }
        Started started = read(request);
        return started == null || !state.equals(started.state()) ? null : rebuild(started);
    }

    @Override
    public void saveAuthorizationRequest(
            OAuth2AuthorizationRequest authorization, HttpServletRequest request, HttpServletResponse response) {
        if (authorization == null) {
            write(request, response, "", Duration.ZERO);
            return;
        }
        Started started = new Started(
                authorization.getAuthorizationUri(),
                authorization.getClientId(),
                authorization.getRedirectUri(),
                authorization.getScopes(),
                authorization.getState(),
                strings(authorization.getAdditionalParameters()),
                strings(authorization.getAttributes()),
                authorization.getAuthorizationRequestUri());
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(started));
        write(request, response, value, LIFETIME);
    }

    @Override
    public OAuth2AuthorizationRequest removeAuthorizationRequest(
            HttpServletRequest request, HttpServletResponse response) {
        OAuth2AuthorizationRequest loaded = loadAuthorizationRequest(request);
        if (loaded != null) {
            write(request, response, "", Duration.ZERO);
        }
        return loaded;
    }

    private static Started read(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (NAME.equals(cookie.getName()) && !cookie.getValue().isEmpty()) {
                try {
                    return JSON.readValue(Base64.getUrlDecoder().decode(cookie.getValue()), Started.class);
                } catch (IllegalArgumentException | JacksonException unreadable) {
                    // Not one this process wrote: as if there were none (the sign-in starts again).
                    return null;
                }
            }
        }
        return null;
    }

    private static OAuth2AuthorizationRequest rebuild(Started started) {
        if (started.authorizationUri() == null || started.clientId() == null) {
            return null;
        }
        return OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri(started.authorizationUri())
                .clientId(started.clientId())
                .redirectUri(started.redirectUri())
                .scopes(started.scopes())
                .state(started.state())
                .additionalParameters(new LinkedHashMap<String, Object>(orEmpty(started.parameters())))
                .attributes(new LinkedHashMap<String, Object>(orEmpty(started.attributes())))
                .authorizationRequestUri(started.authorizationRequestUri())
                .build();
    }

    private static void write(HttpServletRequest request, HttpServletResponse response, String value, Duration age) {
        ResponseCookie cookie = ResponseCookie.from(NAME, value)
                .httpOnly(true)
                .secure(request.isSecure())
                .sameSite("Lax")
                .path(request.getContextPath().isEmpty() ? "/" : request.getContextPath())
                .maxAge(age)
                .build();
        response.addHeader(HttpHeaders.SET_COOKIE, cookie.toString());
    }

    /** OpenID Connect's values here (nonce, PKCE challenge and verifier, registration id) are all strings. */
    private static Map<String, String> strings(Map<String, Object> values) {
        Map<String, String> strings = new LinkedHashMap<>();
        values.forEach((name, value) -> strings.put(name, String.valueOf(value)));
        return strings;
    }

    private static Map<String, String> orEmpty(Map<String, String> values) {
        return values == null ? Map.of() : values;
    }
}
