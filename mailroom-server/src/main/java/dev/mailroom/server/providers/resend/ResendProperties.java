package dev.mailroom.server.providers.resend;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Resend account Mailroom sends through and the webhook endpoint it listens on. The sender
 * exists only when {@code api-key} is set, the webhook receiver only when {@code webhook-secret}
 * is set, so a process can run either side alone.
 *
 * @param apiKey        API key ({@code re_…}), sent as {@code Authorization: Bearer}; never logged
 * @param baseUrl       scheme, host and optional path prefix; {@code /emails} is appended
 * @param webhookSecret the webhook's signing secret ({@code whsec_<base64>}) shown by Resend
 *                      for the endpoint; never logged
 */
@ConfigurationProperties("mailroom.providers.resend")
record ResendProperties(
        String apiKey,
        @DefaultValue("https://api.resend.com") String baseUrl,
        String webhookSecret) {

    /** The base URL without a trailing slash, so documented paths can be appended as they are. */
    String apiBase() {
        String base = baseUrl == null || baseUrl.isBlank() ? "https://api.resend.com" : baseUrl.trim();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** The record's own toString would print both secrets into any log line that shows the settings. */
    @Override
    public String toString() {
        return "ResendProperties[apiKey=" + mask(apiKey) + ", baseUrl=" + baseUrl + ", webhookSecret="
                + mask(webhookSecret) + "]";
    }

    private static String mask(String secret) {
        return secret == null ? "null" : "****";
    }
}
