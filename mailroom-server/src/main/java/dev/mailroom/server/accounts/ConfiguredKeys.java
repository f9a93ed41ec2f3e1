package dev.mailroom.server.accounts;

import dev.mailroom.server.ApiKeyHint;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.DataDirectory;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.security.Caller;
import dev.mailroom.server.security.Scope;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The keys given in configuration. {@code mailroom.api.bootstrap-key} is the first organization's
 * admin key (send, read, admin), as deployments and scripts have used it; with none configured, one
 * is generated on the first start into the data directory and shown once. {@code mailroom.api.platform-key},
 * when set, is a platform key. Each is also written as a row of {@code api_keys} (fixed ids), so that it
 * is listed, can be revoked like any key, and proves an organization on the mailbox like any key.
 */
@Component
@ConditionalOnRole(Role.API)
class ConfiguredKeys implements ApiKeyHint {

    static final UUID BOOTSTRAP_ID = UUID.nameUUIDFromBytes("mailroom:bootstrap-key".getBytes());
    static final UUID PLATFORM_ID = UUID.nameUUIDFromBytes("mailroom:platform-key".getBytes());
    private static final Logger log = LoggerFactory.getLogger(ConfiguredKeys.class);

    private final String bootstrapHash;
    private final String bootstrapPublicId;
    private final String platformHash;
    private final String platformPublicId;
    private final String display;

    ConfiguredKeys(MailroomProperties properties) {
        String configured = properties.api().bootstrapKey();
        if (configured != null && !configured.isBlank()) {
            this.display = "(the configured mailroom.api.bootstrap-key)";
            this.bootstrapHash = KeyMaterial.hash(configured);
            this.bootstrapPublicId = KeyMaterial.publicId(configured);
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
            this.bootstrapHash = KeyMaterial.hash(key.value());
            this.bootstrapPublicId = KeyMaterial.publicId(key.value());
        }
        String platform = properties.api().platformKey();
        this.platformHash = platform == null || platform.isBlank() ? null : KeyMaterial.hash(platform.strip());
        this.platformPublicId = platformHash == null ? null : KeyMaterial.publicId(platform.strip());
    }

    @Override
    public String apiKeyForDisplay() {
        return display;
    }

    /** The caller of a configured key, by the key's hash. */
    Optional<Caller> callerFor(String hash) {
        return rows().stream()
                .filter(r -> r.hash().equals(hash))
                .findFirst()
                .map(r -> KeyAuthentication.callerOf(r.row()));
    }

    record ConfiguredRow(KeyStore.KeyRow row, String hash, String publicId) {}

    /** The rows to write into api_keys. */
    List<ConfiguredRow> rows() {
        Instant epoch = Instant.now();
        Set<String> all = new LinkedHashSet<>();
        EnumSet.allOf(Scope.class).forEach(s -> all.add(s.value()));
        ConfiguredRow bootstrap = new ConfiguredRow(
                new KeyStore.KeyRow(
                        BOOTSTRAP_ID,
                        Accounts.FIRST_ORGANIZATION,
                        "bootstrap key (mailroom.api.bootstrap-key)",
                        "bootstrap",
                        all,
                        epoch,
                        "configuration",
                        null,
                        null,
                        null),
                bootstrapHash,
                bootstrapPublicId);
        if (platformHash == null) {
            return List.of(bootstrap);
        }
        ConfiguredRow platform = new ConfiguredRow(
                new KeyStore.KeyRow(
                        PLATFORM_ID,
                        null,
                        "platform key (mailroom.api.platform-key)",
                        "platform",
                        Set.of(KeyStore.PLATFORM),
                        epoch,
                        "configuration",
                        null,
                        null,
                        null),
                platformHash,
                platformPublicId);
        return List.of(bootstrap, platform);
    }
}
