package dev.mailroom.server.support;

import dev.mailroom.contracts.MailboxProof;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/**
 * Signs a message a test puts straight into the mailbox, as an application must
 * ({@link MailboxProof}): with the end-to-end Mailroom's bootstrap key unless another key is given.
 * The message id and type must be set first: they are signed with the body.
 */
public final class MailboxSigning {
    private MailboxSigning() {}

    /** The message, signed with {@link ApiClient#TEST_KEY} (the first organization's key). */
    public static Message signed(Message message) {
        return signed(message, ApiClient.TEST_KEY);
    }

    /** The message, signed with {@code apiKey}. */
    public static Message signed(Message message, String apiKey) {
        MessageProperties props = message.getMessageProperties();
        MailboxProof.headers(apiKey, props.getMessageId(), props.getType(), message.getBody())
                .forEach(props::setHeader);
        return message;
    }
}
