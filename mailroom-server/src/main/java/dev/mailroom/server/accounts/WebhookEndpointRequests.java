package dev.mailroom.server.accounts;

import java.util.List;

/** Request bodies of the webhook endpoint routes (JSON). */
public final class WebhookEndpointRequests {
    private WebhookEndpointRequests() {}

    /**
     * @param eventTypes {@code dev.mailroom.contracts.NotificationTypes}, or {@code "*"} for all
     * @param enabled    optional; true when left out
     */
    public record NewEndpoint(String url, List<String> eventTypes, String description, Boolean enabled) {}

    /**
     * A partial change: a field left out (or null) keeps its value; an empty description removes it. Enabling
     * an endpoint clears why it was disabled.
     */
    public record EndpointChange(String url, List<String> eventTypes, String description, Boolean enabled) {}

    /** @param gracePeriod ISO-8601 duration the previous secret stays valid (default PT24H, at most P7D) */
    public record SecretRotation(String gracePeriod) {}
}
