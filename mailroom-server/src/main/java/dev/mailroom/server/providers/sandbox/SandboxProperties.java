package dev.mailroom.server.providers.sandbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param webhookSecret HMAC key of the sandbox's webhooks; dispatchers and webhook sinks must share it
 * @param eventDelay    how long after dispatch the sandbox reports its first event
 */
@ConfigurationProperties("mailroom.providers.sandbox")
record SandboxProperties(
        @DefaultValue("mailroom-sandbox-secret") String webhookSecret,
        @DefaultValue("PT0.2S") Duration eventDelay) {
}
