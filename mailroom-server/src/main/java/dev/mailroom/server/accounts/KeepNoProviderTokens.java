package dev.mailroom.server.accounts;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;

/**
 * Single sign-on only signs a person in: Mailroom never calls the provider on their behalf afterwards,
 * so the provider's access and refresh tokens are dropped rather than kept in memory (Spring Boot's default
 * would keep them per person, on one process only, until it stops).
 */
final class KeepNoProviderTokens implements OAuth2AuthorizedClientRepository {
    @Override
    public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(
            String registrationId, Authentication principal, HttpServletRequest request) {
        return null;
    }

    @Override
    public void saveAuthorizedClient(
            OAuth2AuthorizedClient client,
            Authentication principal,
            HttpServletRequest request,
            HttpServletResponse response) {
        // Nothing kept: see the class comment.
    }

    @Override
    public void removeAuthorizedClient(
            String registrationId, Authentication principal, HttpServletRequest request, HttpServletResponse response) {
        // Nothing kept.
    }
}
