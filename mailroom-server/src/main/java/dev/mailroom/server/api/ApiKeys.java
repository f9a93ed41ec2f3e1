package dev.mailroom.server.api;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.ApiKeyHint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
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
    private final String generatedKey;

    ApiKeys(MailroomProperties properties) {
        String configured = properties.api().bootstrapKey();
        if (configured != null && !configured.isBlank()) {
            this.generatedKey = null;
            this.bootstrapDigest = digest(configured);
        } else {
            this.generatedKey = loadOrGenerate(properties.dataDir().toAbsolutePath().resolve("api-key"));
            this.bootstrapDigest = digest(generatedKey);
        }
    }

    /** Who a valid key belongs to; {@code admin} may change run-time settings. */
    record Caller(String organizationId, boolean admin) {
    }

    /** The caller a bearer token identifies, if it is a valid key. The bootstrap key is an admin key. */
    Optional<Caller> callerFor(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        return MessageDigest.isEqual(digest(token), bootstrapDigest) ? Optional.of(new Caller(DEFAULT_ORGANIZATION, true)) : Optional.empty();
    }

    /** The generated key, to print at start-up; empty when the key was configured (we do not echo secrets). */
    Optional<String> generatedKey() {
        return Optional.ofNullable(generatedKey);
    }

    @Override
    public String apiKeyForDisplay() {
        return generatedKey != null ? generatedKey : "(the configured mailroom.api.bootstrap-key)";
    }

    private static String loadOrGenerate(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String key = "mr_" + HexFormat.of().formatHex(random);
            Files.createDirectories(file.getParent());
            Files.writeString(file, key + "\n", StandardCharsets.UTF_8);
            log.info("Generated an API key in {}", file);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the API key file " + file + "; set mailroom.api.bootstrap-key instead", e);
        }
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
