package dev.mailroom.server.providers.mailgun;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code mailgun} provider. The sender exists only when {@code api-key} is set, the webhook
 * receiver only when {@code webhook-signing-key} is set.
 *
 * @param apiKey            the private API key (HTTP Basic password, user {@code api}); never logged
 * @param domain            the sending domain, e.g. {@code mg.example.com}
 * @param baseUrl           scheme, host and optional path prefix; {@code /v3/{domain}/messages} is
 *                          appended. Domains in Mailgun's EU region use {@code https://api.eu.mailgun.net}
 * @param webhookSigningKey the "HTTP webhook signing key" of the Mailgun account (not the API
 *                          key): the HMAC key of every webhook's signature
 */
@ConfigurationProperties("mailroom.providers.mailgun")
record MailgunProperties(
        String apiKey,
        String domain,
        @DefaultValue("https://api.mailgun.net") String baseUrl,
        String webhookSigningKey) {

    MailgunProperties {
        baseUrl = baseUrl == null || baseUrl.isBlank() ? "https://api.mailgun.net" : stripTrailingSlash(baseUrl.trim());
        domain = domain == null ? null : domain.trim();
    }

    private static String stripTrailingSlash(String url) {
        String s = url;
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** The record's own toString would print the API key and the signing key into any log line. */
    @Override
    public String toString() {
        return "MailgunProperties[apiKey=" + mask(apiKey) + ", domain=" + domain + ", baseUrl=" + baseUrl
                + ", webhookSigningKey=" + mask(webhookSigningKey) + "]";
    }

    private static String mask(String secret) {
        return secret == null ? "null" : "****";
    }
}
