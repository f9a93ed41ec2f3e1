package dev.mailroom.server.providers;

/**
 * The sending side of a provider. Implementations answer with an outcome value; an exception
 * means a bug, not a provider answer (the dispatcher still turns it into a retry so nothing is
 * lost).
 */
public interface EmailSender {
    /** The provider's name in the Contract: sandbox, smtp, sendgrid, ... */
    String name();

    DeliveryOutcome send(OutboundEmail email);
}
