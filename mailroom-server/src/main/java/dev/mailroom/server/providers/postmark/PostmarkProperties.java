package dev.mailroom.server.providers.postmark;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code postmark} provider. The sender exists only when {@code server-token} is set, the
 * webhook receiver only when {@code webhook-password} is set.
 *
 * @param serverToken     the server's API token ({@code X-Postmark-Server-Token}); never logged
 * @param baseUrl         scheme, host and optional path prefix; {@code /email} is appended
 * @param webhookUsername the HTTP Basic user name configured on the Postmark webhook
 *                        ({@code HttpAuth.Username}, or credentials in the webhook URL)
 * @param webhookPassword its password. Postmark does not sign webhooks, so these credentials are
 *                        the only proof that a call comes from Postmark: use a long random value
 *                        and HTTPS
 * @param messageStream   the message stream emails are sent through ({@code outbound}, the
 *                        default transactional stream, unless set)
 */
@ConfigurationProperties("mailroom.providers.postmark")
record PostmarkProperties(
        String serverToken,
        @DefaultValue("https://api.postmarkapp.com") String baseUrl,
        String webhookUsername,
        String webhookPassword,
        @DefaultValue("outbound") String messageStream) {

    PostmarkProperties {
        baseUrl = baseUrl == null || baseUrl.isBlank()
                ? "https://api.postmarkapp.com"
                : stripTrailingSlash(baseUrl.trim());
        messageStream = messageStream == null || messageStream.isBlank() ? "outbound" : messageStream.trim();
    }

    private static String stripTrailingSlash(String url) {
        String s = url;
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** The record's own toString would print the token and the webhook password into any log line. */
    @Override
    public String toString() {
        return "PostmarkProperties[serverToken=" + mask(serverToken) + ", baseUrl=" + baseUrl + ", webhookUsername="
                + webhookUsername + ", webhookPassword=" + mask(webhookPassword) + ", messageStream=" + messageStream
                + "]";
    }

    private static String mask(String secret) {
        return secret == null ? "null" : "****";
    }
}
