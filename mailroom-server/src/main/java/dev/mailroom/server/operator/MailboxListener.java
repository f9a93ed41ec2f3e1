package dev.mailroom.server.operator;

import dev.mailroom.contracts.CancelMessage;
import dev.mailroom.contracts.EmailRules;
import dev.mailroom.contracts.Envelope;
import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.contracts.QueueMessage;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.contracts.Violation;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.InputLimits;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.BatchListenerFactories;
import dev.mailroom.server.messaging.Lane;
import dev.mailroom.server.messaging.MessageTracing;
import dev.mailroom.server.messaging.QueueBodies;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

/**
 * Consumes the mailbox in batches: submissions and cancels, which any application may publish, each
 * signed with an API key that proves its organization ({@link MailboxProofs}): a message with no proof,
 * a proof that does not hold, or a body naming another organization than the key's is dead-lettered with
 * the reason, before anything is recorded. Unreadable or invalid messages are dead-lettered, not
 * looped; so is a message the database refuses (found by {@link Isolation}), alone, while the rest
 * of its batch goes through. Setting changes
 * and dead-letter actions are Mailroom's own and travel on {@value QueueNames#CONTROL}
 * ({@link ControlListener}): found here, they are dead-lettered and change nothing.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class MailboxListener {
    static final String CONTROL_REFUSED =
            "control messages are not accepted on the mailbox: setting changes and dead-letter actions travel on "
                    + QueueNames.CONTROL + ", published by Mailroom's own API";

    private final MessageIntake intake;
    private final MailboxProofs proofs;
    private final DeadLetters deadLetters;
    private final InputLimits limits;
    private final Clock clock;
    private final MessageTracing tracing;

    MailboxListener(
            MessageIntake intake,
            MailboxProofs proofs,
            DeadLetters deadLetters,
            InputLimits limits,
            Clock clock,
            MessageTracing tracing) {
        this.tracing = tracing;
        this.intake = intake;
        this.proofs = proofs;
        this.deadLetters = deadLetters;
        this.limits = limits;
        this.clock = clock;
    }

    @RabbitListener(id = "mailbox", queues = QueueNames.MAILBOX, containerFactory = BatchListenerFactories.OPERATOR)
    void onBatch(List<Message> messages) {
        onBatch(messages, Lane.PROMPT);
    }

    /** The bulk lane: consumed apart, so that an organization's hundred thousand never sit in front of the rest. */
    @RabbitListener(
            id = "mailbox-bulk",
            queues = QueueNames.MAILBOX_BULK,
            containerFactory = BatchListenerFactories.OPERATOR)
    void onBulkBatch(List<Message> messages) {
        onBatch(messages, Lane.BULK);
    }

    private void onBatch(List<Message> messages, Lane lane) {
        // A span per email, each in its own trace (MessageTracing); ended when the batch is done.
        try (MessageTracing.Batch batch = tracing.batch("operator")) {
            onBatch(messages, lane, batch);
        }
    }

    private void onBatch(List<Message> messages, Lane lane, MessageTracing.Batch batch) {
        String queue = lane == Lane.BULK ? QueueNames.MAILBOX_BULK : QueueNames.MAILBOX;
        List<SubmitMessage> submissions = new ArrayList<>(messages.size());
        List<CancelMessage> cancels = new ArrayList<>();
        // Which queue message each record came from, to dead-letter that very message if the database refuses it.
        Map<Object, Message> origins = new IdentityHashMap<>();
        // Submissions Mailroom's API signed: it counted them against their send limits already.
        Set<UUID> countedByApi = new HashSet<>();
        for (Message message : messages) {
            try {
                // Routed by the envelope the contract declares for the message's type.
                Envelope<?> envelope = QueueBodies.envelopeOf(message);
                if (envelope == CancelMessage.ENVELOPE) {
                    MailboxProofs.Proven proof = proofs.check(message);
                    CancelMessage read = ownMessageId(message, QueueBodies.read(message, CancelMessage.ENVELOPE));
                    CancelMessage cancel = validated(new CancelMessage(
                            read.messageId(), proof.organizationFor(read.organizationId()), read.requestedAt()));
                    cancels.add(cancel);
                    origins.put(cancel, message);
                    batch.consumed(
                            message, cancel.messageId(), cancel.messageId(), cancel.organizationId(), name(queue));
                } else if (envelope != null && envelope.travelsOn(QueueNames.CONTROL)) {
                    deadLetters.add(queue, message, CONTROL_REFUSED);
                } else {
                    // A submission; any other type is refused here as "unexpected message type" and dead-lettered.
                    MailboxProofs.Proven proof = proofs.check(message);
                    SubmitMessage submission = validated(attributed(proof, message));
                    submissions.add(submission);
                    batch.consumed(message, submission.id(), submission.id(), submission.organizationId(), name(queue));
                    if (proof.byMailroom()) {
                        countedByApi.add(submission.id());
                    }
                    origins.put(submission, message);
                }
            } catch (RuntimeException e) {
                if (OperatorFailures.isInfrastructure(e)) {
                    throw e;
                }
                // Reading and checking touch nothing but the message: whatever fails here is its own doing.
                deadLetters.add(
                        queue, message, e instanceof MalformedMessageException ? e.getMessage() : Isolation.summary(e));
            }
        }
        // Submissions first: a cancel may follow its own submission in the same batch.
        OperatorFailures.pauseOnFailure(() -> {
            intake.accept(submissions, countedByApi, lane, (s, e) -> refused(queue, origins.get(s), e));
            if (!cancels.isEmpty()) {
                intake.cancel(cancels, (c, e) -> refused(queue, origins.get(c), e));
            }
        });
    }

    private static String name(String queue) {
        return queue + " process";
    }

    private void refused(String queue, Message message, RuntimeException failure) {
        deadLetters.add(queue, message, "the database refused it: " + Isolation.summary(failure));
    }

    /** The submission under the organization its proof gives it (the key's, never only the body's claim). */
    private static SubmitMessage attributed(MailboxProofs.Proven proof, Message message) {
        SubmitMessage s = ownMessageId(message, QueueBodies.read(message, SubmitMessage.ENVELOPE));
        String organization = proof.organizationFor(s.organizationId());
        return organization.equals(s.organizationId())
                ? s
                : new SubmitMessage(
                        s.id(),
                        organization,
                        s.submittedAt(),
                        s.email(),
                        s.sendAt(),
                        s.provider(),
                        s.idempotencyKey(),
                        s.requestHash());
    }

    /**
     * The AMQP {@code message_id} must be the one the contract derives from the body (the submission's id,
     * {@code cancel:<messageId>}): it is what the signature covers and what brokers and tools show, so a message
     * whose id says one email and whose body another is refused rather than recorded under either.
     */
    private static <T extends QueueMessage> T ownMessageId(Message message, T read) {
        String given = message.getMessageProperties().getMessageId();
        String own = read.amqpMessageId();
        if (!own.equals(given)) {
            throw new MalformedMessageException("message_id "
                    + (given == null ? "is missing" : "'" + DeadLetters.fit(given, 64) + "' is not this message's own")
                    + ": a " + read.envelope().type() + " must carry message_id '" + own + "'");
        }
        return read;
    }

    private static CancelMessage validated(CancelMessage cancel) {
        if (cancel.messageId() == null || cancel.organizationId() == null) {
            throw new MalformedMessageException("a cancel needs a messageId and an organizationId");
        }
        FieldLimits.check("organizationId", cancel.organizationId(), 64);
        StorableValues.checkText("organizationId", cancel.organizationId());
        return cancel;
    }

    /** The API and client check the rules already; this guards against other producers. */
    private SubmitMessage validated(SubmitMessage submission) {
        if (submission.id() == null || submission.organizationId() == null) {
            throw new MalformedMessageException("a submission needs an id and an organizationId");
        }
        FieldLimits.check("organizationId", submission.organizationId(), 64);
        FieldLimits.check("provider", submission.provider(), 32);
        StorableValues.checkSubmission(submission);
        // The horizon counts from the submission, as the API counted it: a message redelivered a
        // day later is still the one the API accepted.
        Instant submitted = submission.submittedAt() != null ? submission.submittedAt() : clock.instant();
        List<Violation> problems = EmailRules.check(submission, submitted, limits.maxScheduleAhead());
        if (!problems.isEmpty()) {
            throw new MalformedMessageException("invalid email: "
                    + problems.stream().map(v -> v.field() + " " + v.message()).collect(Collectors.joining("; ")));
        }
        return submission;
    }
}
