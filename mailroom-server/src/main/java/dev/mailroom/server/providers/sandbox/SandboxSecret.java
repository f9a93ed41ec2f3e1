package dev.mailroom.server.providers.sandbox;

import dev.mailroom.server.DataDirectory;
import dev.mailroom.server.MailroomProperties;
import java.nio.file.Path;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * The HMAC key of the sandbox's webhooks: {@code mailroom.providers.sandbox.webhook-secret}, or else
 * one generated at first start and kept (readable by its owner only) in the data directory, so that
 * no installation shares a secret anyone can read in our README.
 */
@Component
@ConditionalOnBooleanProperty("mailroom.providers.sandbox.enabled")
class SandboxSecret {
    private final String secret;

    SandboxSecret(SandboxProperties properties, MailroomProperties mailroom) {
        String configured = properties.webhookSecret();
        if (configured != null && !configured.isBlank()) {
            this.secret = configured;
        } else {
            Path file = mailroom.dataDir().toAbsolutePath().resolve("sandbox-webhook-secret");
            this.secret =
                    DataDirectory.readOrCreatePrivateFile(file, () -> DataDirectory.randomSecret("whsec_sandbox_"));
        }
    }

    String value() {
        return secret;
    }
}
