package dev.mailroom.contracts;

import java.util.UUID;

/**
 * Body of {@value MessageTypes#DISPATCH_V1} on {@value QueueNames#DISPATCHING}: everything a
 * dispatcher needs to send, because dispatchers have no database.
 *
 * @param attempt  1 for the first try; part of the ids of the activities the dispatcher reports
 * @param provider the per-message override, or null for the dispatcher's default
 * @param unsubscribeUrl the signed one-click unsubscribe URL of a bulk email's recipient, which every provider
 *                       sends as {@code List-Unsubscribe} (RFC 8058); null when the email is not bulk mail
 */
public record DispatchCommand(
        UUID messageId, String organizationId, int attempt, String provider, Email email, String unsubscribeUrl)
        implements QueueMessage {
    public static final Envelope<DispatchCommand> ENVELOPE =
            Envelope.onQueue(QueueNames.DISPATCHING, MessageTypes.DISPATCH_V1, DispatchCommand.class);

    /** A command without an unsubscribe link (the form from before {@code unsubscribeUrl}). */
    public DispatchCommand(UUID messageId, String organizationId, int attempt, String provider, Email email) {
        this(messageId, organizationId, attempt, provider, email, null);
    }

    /** This command with the given unsubscribe URL (null: none). */
    public DispatchCommand withUnsubscribeUrl(String url) {
        return new DispatchCommand(messageId, organizationId, attempt, provider, email, url);
    }

    @Override
    public Envelope<DispatchCommand> envelope() {
        return ENVELOPE;
    }

    /** {@code <message id>:<attempt>}: a redelivered command is the same attempt, a retry is not. */
    @Override
    public String amqpMessageId() {
        return messageId + ":" + attempt;
    }
}
