package dev.mailroom.server.accounts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What the REST API shows of webhook endpoints (JSON). */
public final class WebhookEndpointViews {
    private WebhookEndpointViews() {}

    /**
     * An endpoint as listed: never its secrets.
     *
     * @param disabledReason why Mailroom disabled it (a long failure streak), and {@code disabledAt} when; absent
     *                       while enabled and when an admin disabled it
     */
    public record EndpointView(
            UUID id,
            String url,
            String description,
            List<String> eventTypes,
            boolean enabled,
            String disabledReason,
            Instant disabledAt,
            Instant createdAt,
            Instant updatedAt) {
        static EndpointView of(WebhookEndpointStore.EndpointRow row) {
            return new EndpointView(
                    row.id(),
                    row.url(),
                    row.description(),
                    row.eventTypes(),
                    row.enabled(),
                    row.disabledReason(),
                    row.disabledAt(),
                    row.createdAt(),
                    row.updatedAt());
        }
    }

    /** An endpoint just created, with its first signing secret. */
    public record CreatedEndpoint(EndpointView endpoint, String secret) {}

    /** @param expiresAt null for the current secret; the end of its grace for a previous one */
    public record SecretView(String secret, Instant createdAt, Instant expiresAt) {
        static SecretView of(WebhookEndpointStore.SecretRow row) {
            return new SecretView(row.secret(), row.createdAt(), row.expiresAt());
        }
    }

    /**
     * The secrets an endpoint's deliveries are signed with now: the current one and, during a grace after a
     * rotation, the previous ones (each signature header carries one signature per secret).
     */
    public record SecretsView(SecretView current, List<SecretView> previous) {}
}
