package dev.mailroom.server.accounts;

import java.io.Serial;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserRequest;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.core.user.OAuth2User;

/**
 * Who a provider's person is in Mailroom: the user whose email is the one the provider vouched for
 * ({@code email}, with {@code email_verified} true, from the ID token or the provider's user-info answer,
 * which Spring Security checks belongs to the same subject). Nobody is created: an email no user has is
 * refused. Password lockout does not apply and its counters stay as they are; the person's organizations
 * and roles are read on every request as for a password sign-in.
 */
final class SingleSignOnPeople implements OAuth2UserService<OidcUserRequest, OidcUser> {
    static final String NO_EMAIL = "email_missing";
    static final String UNVERIFIED = "email_not_verified";
    static final String UNKNOWN = "no_mailroom_account";
    static final String NOT_OPENID_CONNECT = "not_openid_connect";

    private static final Map<String, String> MESSAGES = Map.of(
            NO_EMAIL,
            "the provider did not say which email address is yours (Mailroom needs its 'email' claim: the"
                    + " registration must ask for the scope 'email')",
            UNVERIFIED,
            "the provider has not verified your email address, so Mailroom cannot tell that the account is yours",
            UNKNOWN,
            "no Mailroom account has the email address the provider gave: ask an administrator of your"
                    + " organization to add you",
            NOT_OPENID_CONNECT,
            "this provider is not set up for OpenID Connect (its registration needs the scope 'openid')",
            "access_denied",
            "the provider did not let you sign in (you may have cancelled)",
            "authorization_request_not_found",
            "this sign-in was started too long ago or in another browser: start again");
    private static final Pattern PRINTABLE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final OidcUserService provider = new OidcUserService();
    private final UserStore users;

    SingleSignOnPeople(UserStore users) {
        this.users = users;
    }

    @Override
    public OidcUser loadUser(OidcUserRequest request) {
        OidcUser vouched = provider.loadUser(request);
        String email = vouched.getEmail();
        if (email == null || email.isBlank()) {
            throw refused(NO_EMAIL);
        }
        if (!Boolean.TRUE.equals(vouched.getEmailVerified())) {
            throw refused(UNVERIFIED);
        }
        UserStore.UserRow user = users.findByEmail(SignIns.normalize(email)).orElseThrow(() -> refused(UNKNOWN));
        return new SignedInPerson(user.id(), vouched);
    }

    /** A registration without the scope {@code openid} gets no ID token: nothing vouches for an email. */
    static OAuth2User notOpenIdConnect(OAuth2UserRequest request) {
        throw refused(NOT_OPENID_CONNECT);
    }

    static String messageFor(String code) {
        String known = MESSAGES.get(code);
        return known != null ? known : "single sign-on did not complete (" + printable(code) + ")";
    }

    /** An error code as the provider sent it is not trusted text: only a plain word goes into a URL or a log. */
    static String printable(String code) {
        return code != null && PRINTABLE.matcher(code).matches() ? code : "sign_in_failed";
    }

    private static OAuth2AuthenticationException refused(String code) {
        String message = MESSAGES.get(code);
        return new OAuth2AuthenticationException(new OAuth2Error(code, message, null), message);
    }

    /**
     * The provider's person, named by their Mailroom user id (as a password sign-in is): the session and
     * every later request find them by id, never by email. Kept in the session, hence serializable.
     */
    static final class SignedInPerson extends DefaultOidcUser {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String userId;

        SignedInPerson(UUID userId, OidcUser vouched) {
            super(vouched.getAuthorities(), vouched.getIdToken(), vouched.getUserInfo(), IdTokenClaimNames.SUB);
            this.userId = userId.toString();
        }

        @Override
        public String getName() {
            return userId;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SignedInPerson person && person.userId.equals(userId) && super.equals(other);
        }

        @Override
        public int hashCode() {
            return userId.hashCode();
        }
    }
}
