package dev.mailroom.contracts;

/**
 * The statuses of the Contract. A message's current status is the stored activity with the
 * highest {@link #precedence()}, never simply the latest one: providers report out of order
 * (opened before delivered, delivered after bounced), and the status must not go backwards.
 */
public enum MessageStatus {
    /** Answered by the API for a message it has put on the mailbox; never stored. */
    SUBMITTED(0),
    ACCEPTED(10),
    SCHEDULED(15),
    QUEUED(20),
    DEFERRED(30),
    DISPATCHED(40),
    DELIVERED(50),
    OPENED(60),
    CLICKED(70),
    UNSUBSCRIBED(75),
    COMPLAINED(80),
    BOUNCED(90),
    DROPPED(91),
    FAILED(95),
    /**
     * A recipient on its organization's suppression list (it bounced hard, complained, unsubscribed, kept
     * bouncing soft, or an admin put it there): never sent to. Terminal for that recipient; above FAILED so
     * that a message-wide FAILED of the others does not hide why this one was not sent. A message is
     * SUPPRESSED only when every one of its recipients is.
     */
    SUPPRESSED(97),
    CANCELED(100);

    private final int precedence;

    MessageStatus(int precedence) {
        this.precedence = precedence;
    }

    public int precedence() {
        return precedence;
    }

    /** True when this status should replace {@code current} as a message's status. */
    public boolean outranks(MessageStatus current) {
        return current == null || precedence > current.precedence;
    }
}
