package dev.mailroom.server.providers.sandbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param enabled       whether the sandbox sends and takes webhooks at all; off unless set (the
 *                      zero-configuration embedded run sets it): it reports every email delivered
 *                      without sending it, so it must never be on by accident in a deployment
 * @param webhookSecret HMAC key of the sandbox's webhooks; dispatchers and webhook sinks must share it.
 *                      Unset: generated at first start and kept in the data directory
 * @param eventDelay    how long after dispatch the sandbox reports its first event
 */
@ConfigurationProperties("mailroom.providers.sandbox")
record SandboxProperties(
        @DefaultValue("false") boolean enabled,
        String webhookSecret,
        @DefaultValue("PT0.2S") Duration eventDelay) {}
