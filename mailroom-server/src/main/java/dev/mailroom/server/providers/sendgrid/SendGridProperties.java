package dev.mailroom.server.providers.sendgrid;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code sendgrid} provider. Sending needs {@code api-key} (the provider exists in a
 * dispatcher only when it is set); receiving webhooks needs {@code webhook-public-key}.
 *
 * @param apiKey           a SendGrid API key with the "Mail Send" permission; never logged
 * @param baseUrl          where the API is; {@code /v3/mail/send} is appended to it
 * @param webhookPublicKey the "Verification Key" of SendGrid's Signed Event Webhook: base64 of the
 *                         DER-encoded P-256 public key (SubjectPublicKeyInfo), as SendGrid shows it.
 *                         Without it there is no {@code /webhooks/sendgrid}: unsigned events are
 *                         never accepted
 */
@ConfigurationProperties("mailroom.providers.sendgrid")
record SendGridProperties(
        String apiKey,
        @DefaultValue(SendGridProperties.DEFAULT_BASE_URL) String baseUrl,
        String webhookPublicKey) {

    static final String DEFAULT_BASE_URL = "https://api.sendgrid.com";

    SendGridProperties {
        baseUrl = baseUrl == null || baseUrl.isBlank() ? DEFAULT_BASE_URL : baseUrl.trim();
        // "https://host/" + "/v3/mail/send" would be a different path on some servers.
        while (baseUrl.endsWith("/")) {
            baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
        }
        if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
            throw new IllegalArgumentException(
                    "mailroom.providers.sendgrid.base-url must be an http(s) URL, got '" + baseUrl + "'");
        }
    }

    /** A blank key (an empty environment variable) counts as no key. */
    boolean hasWebhookPublicKey() {
        return webhookPublicKey != null && !webhookPublicKey.isBlank();
    }

    /** The record's own toString would print the API key into any log line that shows the settings. */
    @Override
    public String toString() {
        return "SendGridProperties[apiKey=" + (apiKey == null ? "null" : "****") + ", baseUrl=" + baseUrl
                + ", webhookPublicKey=" + webhookPublicKey + "]";
    }
}
