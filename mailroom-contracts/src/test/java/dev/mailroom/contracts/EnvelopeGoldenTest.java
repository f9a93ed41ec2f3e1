package dev.mailroom.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The envelope each queue message declares is wire format too: consumers deduplicate on the AMQP
 * {@code message_id} and route by {@code type}, so a golden message must keep its queue, type
 * name and message id. The expected ids are written out, not computed by the code under test.
 */
class EnvelopeGoldenTest {

    @Test
    void aSubmissionGoesToTheMailboxUnderItsOwnId() throws IOException {
        SubmitMessage message = ContractJson.read(golden("submit.v1.json"), SubmitMessage.class);

        assertEnvelope(
                message, "mailroom.mailbox", "mailroom.mailbox.submit.v1", "0b6f4c3e-6a43-4c8e-9f0e-2f1b8f0b9a11");
    }

    @Test
    void anIdempotentSubmissionStillGoesUnderItsOwnId() throws IOException {
        SubmitMessage message = ContractJson.read(golden("submit-idempotent.v1.json"), SubmitMessage.class);

        assertEnvelope(
                message, "mailroom.mailbox", "mailroom.mailbox.submit.v1", "5d1c2b7e-33a0-4f0e-8a55-0c7e2b9d4f10");
    }

    @Test
    void aCancelGoesToTheMailboxNamedByTheMessageItCancels() throws IOException {
        CancelMessage cancel = ContractJson.read(golden("cancel.v1.json"), CancelMessage.class);

        assertEnvelope(
                cancel,
                "mailroom.mailbox",
                "mailroom.mailbox.cancel.v1",
                "cancel:0b6f4c3e-6a43-4c8e-9f0e-2f1b8f0b9a11");
    }

    @Test
    void aDeadLetterActionGoesToTheControlQueueNamedByItsDeadLetterAndAction() throws IOException {
        DeadLetterAction action = ContractJson.read(golden("dead-letter.v1.json"), DeadLetterAction.class);

        assertEnvelope(
                action,
                "mailroom.control",
                "mailroom.mailbox.dead-letter.v1",
                "dead-letter:9d1c2b7e-3f0a-3c55-8e21-4b6a0c9d7e10:replay");
    }

    @Test
    void aSettingChangeGoesToTheControlQueueUnderANewIdEachTime() throws IOException {
        SettingChange change = ContractJson.read(golden("setting.v1.json"), SettingChange.class);

        assertThat(change.envelope().queue()).isEqualTo("mailroom.control");
        assertThat(change.type()).isEqualTo("mailroom.mailbox.setting.v1");
        String first = change.amqpMessageId();
        assertThat(first).matches("setting:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(change.amqpMessageId()).as("the same change asked again").isNotEqualTo(first);
    }

    @Test
    void aMessageRequestGoesToTheControlQueueNamedByItsRequest() throws IOException {
        MessageRequest request = ContractJson.read(golden("message-request.v1.json"), MessageRequest.class);

        assertEnvelope(
                request,
                "mailroom.control",
                "mailroom.control.message-request.v1",
                "message-request:3e2a7c1d-5b4f-4a8e-9d0c-6f1e2b3a4c5d");
    }

    @Test
    void aMessageDecisionIsAReplyNamedByItsRequestWithNoQueueOfItsOwn() throws IOException {
        MessageDecision decision = ContractJson.read(golden("message-decision.v1.json"), MessageDecision.class);

        assertThat(decision.type()).isEqualTo("mailroom.control.message-decision.v1");
        assertThat(decision.amqpMessageId()).isEqualTo("message-decision:3e2a7c1d-5b4f-4a8e-9d0c-6f1e2b3a4c5d");
        assertThat(decision.envelope().isReply()).isTrue();
        assertThat(decision.envelope().exchange()).isEmpty();
        assertThat(decision.envelope().routingKey()).isEmpty();
        assertThatThrownBy(() -> decision.envelope().queue())
                .as("a reply goes where its request says")
                .isInstanceOf(IllegalStateException.class);
        assertThat(MessageTypes.envelopes())
                .filteredOn(Envelope::isReply)
                .extracting(Envelope::type)
                .containsExactlyInAnyOrder(MessageTypes.MESSAGE_DECISION_V1, MessageTypes.SUPPRESSION_DECISION_V1);
    }

    @Test
    void aSuppressionRequestGoesToTheControlQueueNamedByItsRequest() throws IOException {
        SuppressionRequest request = ContractJson.read(golden("suppression-request.v1.json"), SuppressionRequest.class);

        assertEnvelope(
                request,
                "mailroom.control",
                "mailroom.control.suppression-request.v1",
                "suppression-request:7a4f2c1e-9b3d-4e6a-8c5f-1d2e3f4a5b6c");
    }

    @Test
    void anErasureRequestGoesToTheControlQueueNamedByItsErasure() throws IOException {
        ErasureRequest request = ContractJson.read(golden("erasure-request.v1.json"), ErasureRequest.class);

        assertEnvelope(
                request,
                "mailroom.control",
                "mailroom.control.erasure-request.v1",
                "erasure-request:4e2d8c1a-7b3f-4a6e-9d05-2c1b0a9f8e7d");
    }

    @Test
    void aSuppressionDecisionIsAReplyNamedByItsRequestWithNoQueueOfItsOwn() throws IOException {
        SuppressionDecision decision =
                ContractJson.read(golden("suppression-decision.v1.json"), SuppressionDecision.class);

        assertThat(decision.type()).isEqualTo("mailroom.control.suppression-decision.v1");
        assertThat(decision.amqpMessageId()).isEqualTo("suppression-decision:7a4f2c1e-9b3d-4e6a-8c5f-1d2e3f4a5b6c");
        assertThat(decision.envelope().isReply()).isTrue();
        assertThatThrownBy(() -> decision.envelope().queue())
                .as("a reply goes where its request says")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aDispatchCommandGoesToTheDispatchingQueueNamedByMessageAndAttempt() throws IOException {
        DispatchCommand command = ContractJson.read(golden("dispatch.v1.json"), DispatchCommand.class);

        assertEnvelope(
                command,
                "mailroom.dispatching",
                "mailroom.dispatching.dispatch.v1",
                "0b6f4c3e-6a43-4c8e-9f0e-2f1b8f0b9a11:1");
    }

    @Test
    void anActivityReportGoesToTheTrackingQueueUnderItsOwnId() throws IOException {
        ActivityReport report = ContractJson.read(golden("activity.v1.json"), ActivityReport.class);

        assertEnvelope(
                report, "mailroom.tracking", "mailroom.tracking.activity.v1", "6c1f1b9e-0d57-3c1e-8b6e-6a9a2d2f3c44");
    }

    @Test
    void anActivityBatchGoesToTheTrackingQueueNamedByItsReports() throws IOException {
        ActivityBatch batch = ContractJson.read(golden("activities.v1.json"), ActivityBatch.class);

        // UUID.nameUUIDFromBytes("activity-batch\u001f6c1f1b9e-…\u001f1d0c5a8e-…"), computed outside Java.
        assertEnvelope(
                batch, "mailroom.tracking", "mailroom.tracking.activities.v1", "eaa7ddd8-7a8e-350d-8c8a-df44326d9d46");
        assertThat(batch.messageId()).isEqualTo(batch.amqpMessageId());
    }

    @Test
    void aNotificationBatchGoesToTheNotificationsQueueNamedByItsNotificationsAndTheirEndpoints() throws IOException {
        NotificationBatch batch = ContractJson.read(golden("notifications.v1.json"), NotificationBatch.class);

        // UUID.nameUUIDFromBytes("notification-batch\u001f3f6c1a2b-…\u001f7a8b9c0d-…@5e4d3c2b-…"), computed outside
        // Java.
        assertEnvelope(
                batch,
                "mailroom.notifications",
                "mailroom.notifications.batch.v1",
                "3d4a3368-56c3-3d39-af0d-cbb680d5ddb4");
    }

    @Test
    void aSettingsSnapshotIsBroadcastOnTheSettingsExchangeNamedByItsVersion() throws IOException {
        SettingsSnapshot snapshot = ContractJson.read(golden("settings-snapshot.v1.json"), SettingsSnapshot.class);

        assertThat(snapshot.envelope().exchange()).isEqualTo("mailroom.settings");
        assertThat(snapshot.envelope().routingKey()).isEmpty();
        assertThat(snapshot.type()).isEqualTo("mailroom.settings.snapshot.v1");
        assertThat(snapshot.amqpMessageId()).isEqualTo("settings:7");
        assertThatThrownBy(() -> snapshot.envelope().queue())
                .as("a broadcast has no one queue")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void everyQueueMessageRecordDeclaresOneEnvelopeThatTheTypeNamesLeadBackTo() {
        List<Class<?>> records = Arrays.asList(QueueMessage.class.getPermittedSubclasses());
        List<Class<?>> declared =
                MessageTypes.envelopes().stream().<Class<?>>map(Envelope::body).toList();

        assertThat(declared).containsExactlyInAnyOrderElementsOf(records);
        assertThat(MessageTypes.envelopes()).extracting(Envelope::type).doesNotHaveDuplicates();
        for (Envelope<?> envelope : MessageTypes.envelopes()) {
            assertThat(MessageTypes.envelopeOf(envelope.type())).isSameAs(envelope);
            assertThat(MessageTypes.bodyOf(envelope.type())).isEqualTo(envelope.body());
        }
        assertThat(MessageTypes.envelopeOf("mailroom.mailbox.submit.v0")).isNull();
        assertThat(MessageTypes.envelopeOf(null)).isNull();
    }

    @Test
    void onlySettingChangesDeadLetterActionsAndMessageSuppressionAndErasureRequestsTravelOnTheControlQueue() {
        assertThat(MessageTypes.envelopes())
                .filteredOn(e -> e.travelsOn(QueueNames.CONTROL))
                .extracting(Envelope::type)
                .containsExactlyInAnyOrder(
                        MessageTypes.SETTING_V1,
                        MessageTypes.DEAD_LETTER_V1,
                        MessageTypes.MESSAGE_REQUEST_V1,
                        MessageTypes.SUPPRESSION_REQUEST_V1,
                        MessageTypes.ERASURE_REQUEST_V1);
        assertThat(MessageTypes.envelopes())
                .filteredOn(e -> e.travelsOn(QueueNames.MAILBOX))
                .extracting(Envelope::type)
                .containsExactlyInAnyOrder(MessageTypes.SUBMIT_V1, MessageTypes.CANCEL_V1);
    }

    @Test
    void mailboxMessagesArePublishedThroughTheMailboxsOwnExchangeAndOthersThroughTheDefaultOne() {
        for (Envelope<?> envelope : List.of(SubmitMessage.ENVELOPE, CancelMessage.ENVELOPE)) {
            assertThat(envelope.exchange()).isEqualTo("mailroom.mailbox");
            assertThat(envelope.routingKey()).isEqualTo("mailroom.mailbox");
            assertThat(envelope.queue()).isEqualTo("mailroom.mailbox");
            assertThat(envelope.travelsOn("mailroom.mailbox")).isTrue();
        }
        assertThat(QueueNames.exchangeOf("mailroom.mailbox.bulk")).isEqualTo("mailroom.mailbox");
        assertThat(QueueNames.exchangeOf("mailroom.dispatching")).isEmpty();
        assertThat(QueueNames.exchangeOf("mailroom.dispatching.bulk")).isEmpty();
        assertThat(QueueNames.exchangeOf("mailroom.tracking")).isEmpty();
        assertThat(QueueNames.exchangeOf("mailroom.control")).isEmpty();
        assertThat(DispatchCommand.ENVELOPE.exchange()).isEmpty();
        assertThat(ActivityReport.ENVELOPE.exchange()).isEmpty();
    }

    private static void assertEnvelope(QueueMessage message, String queue, String type, String messageId) {
        // The mailbox's lanes have an exchange of their own (broker permissions); every other queue the default one.
        assertThat(message.envelope().exchange())
                .as("exchange")
                .isEqualTo(queue.startsWith("mailroom.mailbox") ? "mailroom.mailbox" : "");
        assertThat(message.envelope().queue()).as("queue").isEqualTo(queue);
        assertThat(message.envelope().routingKey()).as("routing key").isEqualTo(queue);
        assertThat(message.type()).as("type").isEqualTo(type);
        assertThat(message.amqpMessageId()).as("message_id").isEqualTo(messageId);
    }

    private static byte[] golden(String name) throws IOException {
        try (InputStream in = EnvelopeGoldenTest.class.getResourceAsStream("/golden/" + name)) {
            return in.readAllBytes();
        }
    }
}
