package dev.mailroom.contracts;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Body of {@value MessageTypes#ACTIVITY_V1} on {@value QueueNames#TRACKING}: one thing that
 * happened to a message (or to one of its recipients). Made by the named factories below
 * ({@link #event}, {@link #pipeline}, {@link #dispatched}, {@link #deferred}, {@link #failed}) and
 * changed by {@link #withMessageId}, {@link #withDetails} or {@link #toBuilder}, rather than by
 * its eleven positional fields.
 *
 * @param id                deterministic ({@link Ids}), so a redelivered or duplicated report is
 *                          stored once
 * @param messageId         our id when known (dispatcher, or {@code mailroom_id} in a webhook);
 *                          null when only the provider's id is known
 * @param providerMessageId the provider's id for the message, recorded at dispatch
 * @param providerEvent     the provider's own name for the event ("delivered", "bounce", ...)
 * @param details           useful extras: bounce type and reason, clicked URL, user agent, ...
 * @param attempt           for reports of the dispatcher: which dispatch attempt this was
 * @param retryAt           for a dispatcher's DEFERRED: not before when the operator may dispatch
 *                          again (the provider's Retry-After); null otherwise
 */
public record ActivityReport(
        UUID id,
        UUID messageId,
        String providerMessageId,
        String provider,
        MessageStatus status,
        Instant occurredAt,
        String recipient,
        String providerEvent,
        Map<String, Object> details,
        Integer attempt,
        Instant retryAt)
        implements QueueMessage {

    public static final Envelope<ActivityReport> ENVELOPE =
            Envelope.onQueue(QueueNames.TRACKING, MessageTypes.ACTIVITY_V1, ActivityReport.class);

    /*
     * The sizes of the activities table's columns, in characters: a longer value cannot be stored.
     * The webhook sink cuts a provider's values to them; the operator dead-letters a report beyond them.
     */
    public static final int MAX_PROVIDER = 32;
    public static final int MAX_PROVIDER_EVENT = 64;
    public static final int MAX_PROVIDER_MESSAGE_ID = 255;
    public static final int MAX_RECIPIENT = 320;

    public ActivityReport {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** A provider-reported event (webhook): no attempt, no retry. */
    public static ActivityReport event(
            UUID id,
            UUID messageId,
            String providerMessageId,
            String provider,
            MessageStatus status,
            Instant occurredAt,
            String recipient,
            String providerEvent,
            Map<String, Object> details) {
        return new ActivityReport(
                id,
                messageId,
                providerMessageId,
                provider,
                status,
                occurredAt,
                recipient,
                providerEvent,
                details,
                null,
                null);
    }

    /**
     * A status the pipeline itself records for a message (ACCEPTED, QUEUED, SCHEDULED, CANCELED,
     * the operator's FAILED): no provider, id from {@link Ids#activity}.
     *
     * @param attempt the dispatch attempt it belongs to, or 0 for none (then no {@code attempt})
     */
    public static ActivityReport pipeline(
            UUID messageId, MessageStatus status, int attempt, Instant at, Map<String, Object> details) {
        return new ActivityReport(
                Ids.activity(messageId, status, attempt),
                messageId,
                null,
                null,
                status,
                at,
                null,
                null,
                details,
                attempt == 0 ? null : attempt,
                null);
    }

    /** A dispatcher's DISPATCHED: {@code provider} accepted attempt {@code attempt} under its own id. */
    public static ActivityReport dispatched(
            UUID messageId,
            int attempt,
            String provider,
            String providerMessageId,
            Instant at,
            Map<String, Object> details) {
        return dispatcherReport(
                messageId, MessageStatus.DISPATCHED, attempt, provider, providerMessageId, at, details, null);
    }

    /** A dispatcher's DEFERRED: {@code provider} asked to try again, not before {@code retryAt}. */
    public static ActivityReport deferred(
            UUID messageId, int attempt, String provider, Instant at, Instant retryAt, Map<String, Object> details) {
        return dispatcherReport(messageId, MessageStatus.DEFERRED, attempt, provider, null, at, details, retryAt);
    }

    /** A dispatcher's FAILED: {@code provider} refused the message for good. */
    public static ActivityReport failed(
            UUID messageId, int attempt, String provider, Instant at, Map<String, Object> details) {
        return dispatcherReport(messageId, MessageStatus.FAILED, attempt, provider, null, at, details, null);
    }

    private static ActivityReport dispatcherReport(
            UUID messageId,
            MessageStatus status,
            int attempt,
            String provider,
            String providerMessageId,
            Instant at,
            Map<String, Object> details,
            Instant retryAt) {
        return new ActivityReport(
                Ids.activity(messageId, status, attempt),
                messageId,
                providerMessageId,
                provider,
                status,
                at,
                null,
                null,
                details,
                attempt,
                retryAt);
    }

    /** This report, matched to our message {@code messageId}. */
    public ActivityReport withMessageId(UUID messageId) {
        return toBuilder().messageId(messageId).build();
    }

    /** This report with other details. */
    public ActivityReport withDetails(Map<String, Object> details) {
        return toBuilder().details(details).build();
    }

    /** A builder holding this report's values, to change several of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public Envelope<ActivityReport> envelope() {
        return ENVELOPE;
    }

    /** The report's own id: a report published twice is stored once. */
    @Override
    public String amqpMessageId() {
        return id.toString();
    }

    /** A copy of a report under construction; {@link #build()} makes the new report. */
    public static final class Builder {
        private UUID id;
        private UUID messageId;
        private String providerMessageId;
        private String provider;
        private MessageStatus status;
        private Instant occurredAt;
        private String recipient;
        private String providerEvent;
        private Map<String, Object> details;
        private Integer attempt;
        private Instant retryAt;

        private Builder(ActivityReport r) {
            id = r.id;
            messageId = r.messageId;
            providerMessageId = r.providerMessageId;
            provider = r.provider;
            status = r.status;
            occurredAt = r.occurredAt;
            recipient = r.recipient;
            providerEvent = r.providerEvent;
            details = r.details;
            attempt = r.attempt;
            retryAt = r.retryAt;
        }

        public Builder id(UUID value) {
            id = value;
            return this;
        }

        public Builder messageId(UUID value) {
            messageId = value;
            return this;
        }

        public Builder providerMessageId(String value) {
            providerMessageId = value;
            return this;
        }

        public Builder provider(String value) {
            provider = value;
            return this;
        }

        public Builder occurredAt(Instant value) {
            occurredAt = value;
            return this;
        }

        public Builder recipient(String value) {
            recipient = value;
            return this;
        }

        public Builder providerEvent(String value) {
            providerEvent = value;
            return this;
        }

        public Builder details(Map<String, Object> value) {
            details = value;
            return this;
        }

        public ActivityReport build() {
            return new ActivityReport(
                    id,
                    messageId,
                    providerMessageId,
                    provider,
                    status,
                    occurredAt,
                    recipient,
                    providerEvent,
                    details,
                    attempt,
                    retryAt);
        }
    }
}
