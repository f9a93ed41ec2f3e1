package dev.mailroom.contracts;

/**
 * A message of the Contract's queues. Each record declares its own envelope: where it travels
 * and its versioned type name ({@link #envelope()}, one static {@code ENVELOPE} per record), and
 * its AMQP {@code message_id} ({@link #amqpMessageId()}), which consumers deduplicate on. A
 * publisher asks the message for these instead of putting them together by hand; the body is the
 * record's JSON ({@link ContractJson#write}).
 *
 * <p>Adding a message: a record here, its {@code ENVELOPE}, a type name in {@link MessageTypes}
 * and its envelope in {@link MessageTypes}' list, and a golden test of its id.
 */
public sealed interface QueueMessage
        permits SubmitMessage,
                CancelMessage,
                SettingChange,
                DeadLetterAction,
                MessageRequest,
                MessageDecision,
                SuppressionRequest,
                SuppressionDecision,
                ErasureRequest,
                DispatchCommand,
                ActivityReport,
                ActivityBatch,
                SettingsSnapshot,
                NotificationBatch {

    /** Where this message travels and under which type name: the same for every message of its record. */
    Envelope<? extends QueueMessage> envelope();

    /**
     * The AMQP {@code message_id}: the consumer's idempotency key, so the same fact published
     * twice (a retry, a redelivery) carries the same id. Changing the rule changes what counts as
     * a duplicate; the golden tests pin it.
     */
    String amqpMessageId();

    /** The versioned type name, carried in the AMQP {@code type} property. */
    default String type() {
        return envelope().type();
    }
}
