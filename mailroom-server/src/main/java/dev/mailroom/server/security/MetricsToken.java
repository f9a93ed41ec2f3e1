package dev.mailroom.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.stereotype.Component;

/** {@code mailroom.management.metrics-token} as a bearer token: role METRICS only. Compared as SHA-256 digests in constant time. */
@Component
class MetricsToken implements BearerTokens {
    static final String PRINCIPAL = "metrics-token";

    private final byte[] digest;

    MetricsToken(ManagementProperties properties) {
        this.digest = properties.hasMetricsToken() ? sha256(properties.metricsToken()) : null;
    }

    @Override
    public Optional<Authentication> authenticate(String token) {
        if (digest == null || !MessageDigest.isEqual(sha256(token), digest)) {
            return Optional.empty();
        }
        return Optional.of(UsernamePasswordAuthenticationToken.authenticated(
                PRINCIPAL, null, List.of(new SimpleGrantedAuthority(Authorities.role(Authorities.METRICS)))));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
