package dev.mailroom.server.api;

import dev.mailroom.server.ApiKeyHint;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.DataDirectory;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * API keys. For now there is one: {@code mailroom.api.bootstrap-key}, with every right on the
 * default organization. When none is configured, one is generated on first start and kept in
 * the data directory, so the newcomer's run has a key that survives restarts.
 * Keys are compared as SHA-256 digests in constant time.
 */
@Component
@ConditionalOnRole(Role.API)
class ApiKeys implements ApiKeyHint {
    static final String DEFAULT_ORGANIZATION = "default";
    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);

    private final byte[] bootstrapDigest;
    private final String display;

    ApiKeys(MailroomProperties properties) {
        String configured = properties.api().bootstrapKey();
        if (configured != null && !configured.isBlank()) {
            this.display = "(the configured mailroom.api.bootstrap-key)";
            this.bootstrapDigest = digest(configured);
        } else {
            Path file = properties.dataDir().toAbsolutePath().resolve("api-key");
            DataDirectory.Secret key = DataDirectory.readOrCreateSecret(file, () -> DataDirectory.randomSecret("mr_"));
            // The whole key is shown once, when it is made; later starts show who it is, not what.
            this.display = key.created()
                    ? key.value() + "   (shown once; also kept in " + file + ")"
                    : key.value().substring(0, Math.min(7, key.value().length())) + "…   (the key is in " + file + ")";
            if (key.created()) {
                log.info("Generated an API key in {}", file);
            }
            this.bootstrapDigest = digest(key.value());
        }
    }

    /** Who a valid key belongs to; {@code admin} may change run-time settings. */
    record Caller(String organizationId, boolean admin) {}

    /** The caller a bearer token identifies, if it is a valid key. The bootstrap key is an admin key. */
    Optional<Caller> callerFor(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        return MessageDigest.isEqual(digest(token), bootstrapDigest)
                ? Optional.of(new Caller(DEFAULT_ORGANIZATION, true))
                : Optional.empty();
    }

    @Override
    public String apiKeyForDisplay() {
        return display;
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
