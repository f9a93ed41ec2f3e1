package dev.mailroom.server.providers;

import dev.mailroom.contracts.ActivityReport;
import java.util.List;

/**
 * The receiving side of a provider: verifies that a webhook call really comes from the provider
 * (before parsing anything), then turns its events into normalized activity reports.
 */
public interface WebhookReceiver {
    /** The provider's name, also the last segment of {@code POST /webhooks/{provider}}. */
    String provider();

    /** @throws WebhookRejectedException for bad authenticity (401) or a malformed body (400) */
    List<ActivityReport> receive(WebhookRequest request);
}
