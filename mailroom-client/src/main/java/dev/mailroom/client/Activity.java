package dev.mailroom.client;

import java.time.Instant;
import java.util.Map;

/**
 * One step of a message's timeline ({@code ACCEPTED}, {@code QUEUED}, {@code DELIVERED}, …), in time order.
 *
 * @param recipient the address it concerns, or null for the whole message
 * @param details   what the step adds (a bounce's reason, a provider's answer, …); may be null
 */
public record Activity(
        String status,
        Instant occurredAt,
        String recipient,
        String provider,
        String providerEvent,
        Map<String, Object> details) {}
