package dev.mailroom.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The golden files are the wire format other programs are written against: reading them must
 * give the expected records, and writing those records must give the same JSON back.
 */
class GoldenJsonTest {

    @Test
    void submitMessageReadsAndWritesItsGoldenFile() throws IOException {
        byte[] golden = golden("submit.v1.json");
        SubmitMessage message = ContractJson.read(golden, SubmitMessage.class);

        assertThat(message.id()).isEqualTo(UUID.fromString("0b6f4c3e-6a43-4c8e-9f0e-2f1b8f0b9a11"));
        assertThat(message.sendAt()).isEqualTo(Instant.parse("2026-11-28T11:00:00Z"));
        assertThat(message.email().to()).containsExactly(new Recipient("ada@example.org", "Ada", "user-42"));
        assertThat(message.email().bcc()).extracting(Recipient::email).containsExactly("audit@example.com");
        assertThat(message.email().attachments().get(0).content()).isEqualTo("aGVsbG8=");
        assertThat(message.provider()).isEqualTo("smtp");
        assertSameJson(ContractJson.write(message), golden);
    }

    @Test
    void anIdempotentSubmissionCarriesItsKeyAndRequestHash() throws IOException {
        byte[] golden = golden("submit-idempotent.v1.json");
        SubmitMessage message = ContractJson.read(golden, SubmitMessage.class);

        assertThat(message.idempotencyKey()).isEqualTo("order-1042");
        assertThat(message.requestHash()).hasSize(64).startsWith("9f2c4e1b");
        assertThat(message.sendAt()).isNull();
        assertSameJson(ContractJson.write(message), golden);
    }

    @Test
    void aSubmissionOfAnOlderProducerHasNoIdempotencyKeyAndWritesNone() throws IOException {
        byte[] golden = golden("submit.v1.json");
        SubmitMessage message = ContractJson.read(golden, SubmitMessage.class);

        assertThat(message.idempotencyKey()).isNull();
        assertThat(message.requestHash()).isNull();
        assertThat(ContractJson.mapper().readTree(ContractJson.write(message)).has("idempotencyKey"))
                .isFalse();
    }

    @Test
    void dispatchCommandReadsAndWritesItsGoldenFile() throws IOException {
        byte[] golden = golden("dispatch.v1.json");
        DispatchCommand command = ContractJson.read(golden, DispatchCommand.class);

        assertThat(command.attempt()).isEqualTo(1);
        assertThat(command.email().subject()).isEqualTo("Welcome");
        assertThat(command.email().to().get(0).memberId()).isEqualTo("user-42");
        assertSameJson(ContractJson.write(command), golden);
    }

    @Test
    void aBulkSubmissionReadsAndWritesItsGoldenFile() throws IOException {
        byte[] golden = golden("submit-bulk.v1.json");
        SubmitMessage message = ContractJson.read(golden, SubmitMessage.class);

        assertThat(message.email().bulk()).isTrue();
        assertThat(message.email().bulkMail()).isTrue();
        assertThat(EmailRules.check(message.email())).isEmpty();
        assertSameJson(ContractJson.write(message), golden);
    }

    @Test
    void anEmailOfAnOlderProducerIsNotBulkAndWritesNoBulk() throws IOException {
        SubmitMessage message = ContractJson.read(golden("submit.v1.json"), SubmitMessage.class);

        assertThat(message.email().bulk()).isNull();
        assertThat(message.email().bulkMail()).isFalse();
        assertThat(ContractJson.mapper()
                        .readTree(ContractJson.write(message))
                        .path("email")
                        .has("bulk"))
                .isFalse();
    }

    @Test
    void aBulkDispatchCommandCarriesItsUnsubscribeUrl() throws IOException {
        byte[] golden = golden("dispatch-bulk.v1.json");
        DispatchCommand command = ContractJson.read(golden, DispatchCommand.class);

        assertThat(command.unsubscribeUrl()).isEqualTo("https://mail.example.com/unsubscribe/djEuZGVmYXVsdC4wYjZm");
        assertThat(command.email().bulkMail()).isTrue();
        assertSameJson(ContractJson.write(command), golden);
        // An older command has none, and writes none.
        DispatchCommand older = ContractJson.read(golden("dispatch.v1.json"), DispatchCommand.class);
        assertThat(older.unsubscribeUrl()).isNull();
        assertThat(ContractJson.mapper().readTree(ContractJson.write(older)).has("unsubscribeUrl"))
                .isFalse();
        assertThat(older.withUnsubscribeUrl("https://x.example/u").unsubscribeUrl())
                .isEqualTo("https://x.example/u");
    }

    @Test
    void activityReportReadsAndWritesItsGoldenFile() throws IOException {
        byte[] golden = golden("activity.v1.json");
        ActivityReport report = ContractJson.read(golden, ActivityReport.class);

        assertThat(report.status()).isEqualTo(MessageStatus.BOUNCED);
        assertThat(report.occurredAt()).isEqualTo(Instant.parse("2026-11-28T10:15:31.250Z"));
        assertThat(report.details()).containsEntry("bounceType", "hard");
        assertSameJson(ContractJson.write(report), golden);
    }

    @Test
    void activityBatchReadsAndWritesItsGoldenFile() throws IOException {
        byte[] golden = golden("activities.v1.json");
        ActivityBatch batch = ContractJson.read(golden, ActivityBatch.class);

        assertThat(batch.activities())
                .extracting(ActivityReport::status)
                .containsExactly(MessageStatus.DELIVERED, MessageStatus.OPENED);
        assertThat(batch.activities().get(1).messageId()).isNull();
        assertThat(batch.activities().get(1).providerMessageId()).isEqualTo("sg-7f3a");
        assertSameJson(ContractJson.write(batch), golden);
    }

    @Test
    void notificationBatchReadsAndWritesItsGoldenFile() throws IOException {
        byte[] golden = golden("notifications.v1.json");
        NotificationBatch batch = ContractJson.read(golden, NotificationBatch.class);

        assertThat(batch.notifications())
                .extracting(Notification::type)
                .containsExactly("email.delivered", "webhook.test");
        assertThat(batch.notifications().get(0).endpointId())
                .as("every subscribed endpoint")
                .isNull();
        assertThat(batch.notifications().get(0).data()).containsEntry("status", "DELIVERED");
        assertThat(batch.notifications().get(0).webhookId()).isEqualTo("msg_3f6c1a2b4d5e3f608a1b2c3d4e5f6a7b");
        assertSameJson(ContractJson.write(batch), golden);
    }

    @Test
    void aRecipientsNotificationIdIsDerivedFromTheActivityAndTheNormalizedAddress() {
        // UUID.nameUUIDFromBytes("notification\u001f6c1f1b9e-…\u001fada@example.org"), computed outside Java.
        assertThat(Notification.ofActivity(UUID.fromString("6c1f1b9e-0d57-3c1e-8b6e-6a9a2d2f3c44"), " Ada@Example.org"))
                .isEqualTo(UUID.fromString("64f9422f-62f9-38e3-bc15-8498bcb3e070"));
    }

    @Test
    void anActivityBatchIsNamedByItsReportsSoARepublishKeepsItsMessageId() throws IOException {
        ActivityBatch batch = ContractJson.read(golden("activities.v1.json"), ActivityBatch.class);
        ActivityBatch same = new ActivityBatch(List.copyOf(batch.activities()));
        ActivityBatch firstOnly = new ActivityBatch(batch.activities().subList(0, 1));

        assertThat(same.messageId()).isEqualTo(batch.messageId());
        assertThat(firstOnly.messageId()).isNotEqualTo(batch.messageId());
    }

    @Test
    void cancelMessageReadsAndWritesItsGoldenFile() throws IOException {
        byte[] golden = golden("cancel.v1.json");
        CancelMessage cancel = ContractJson.read(golden, CancelMessage.class);

        assertThat(cancel.messageId()).isEqualTo(UUID.fromString("0b6f4c3e-6a43-4c8e-9f0e-2f1b8f0b9a11"));
        assertThat(cancel.requestedAt()).isEqualTo(Instant.parse("2026-11-28T10:20:00Z"));
        assertSameJson(ContractJson.write(cancel), golden);
    }

    @Test
    void aDispatcherReportCarriesItsAttemptAndRetryTime() throws IOException {
        byte[] golden = golden("activity-deferred.v1.json");
        ActivityReport report = ContractJson.read(golden, ActivityReport.class);

        assertThat(report.status()).isEqualTo(MessageStatus.DEFERRED);
        assertThat(report.attempt()).isEqualTo(2);
        assertThat(report.retryAt()).isEqualTo(Instant.parse("2026-11-28T10:16:30Z"));
        assertSameJson(ContractJson.write(report), golden);
    }

    @Test
    void aDispatcherReportForOneRecipientNamesItAndIsIdentifiedByIt() throws IOException {
        byte[] golden = golden("activity-recipient.v1.json");
        ActivityReport report = ContractJson.read(golden, ActivityReport.class);

        UUID message = UUID.fromString("0b6f4c3e-6a43-4c8e-9f0e-2f1b8f0b9a11");
        Instant at = Instant.parse("2026-11-28T10:15:31Z");
        assertThat(report)
                .isEqualTo(ActivityReport.recipientDeferred(
                        message,
                        2,
                        "smtp",
                        "Busy@Example.org",
                        at,
                        at,
                        Map.of(
                                "attempt",
                                2,
                                "bounceType",
                                "soft",
                                "reason",
                                "450 4.2.1 <busy@example.org>: Recipient address rejected: mailbox busy",
                                "smtpCode",
                                450)));
        assertThat(report.id())
                .isEqualTo(Ids.recipientActivity(message, MessageStatus.DEFERRED, 2, "busy@example.org"));
        assertSameJson(ContractJson.write(report), golden);
    }

    @Test
    void settingMessagesReadAndWriteTheirGoldenFiles() throws IOException {
        byte[] change = golden("setting.v1.json");
        assertThat(ContractJson.read(change, SettingChange.class).value()).isEqualTo("postmark");
        assertSameJson(ContractJson.write(ContractJson.read(change, SettingChange.class)), change);

        byte[] snapshot = golden("settings-snapshot.v1.json");
        SettingsSnapshot read = ContractJson.read(snapshot, SettingsSnapshot.class);
        assertThat(read.version()).isEqualTo(7);
        assertThat(read.values()).containsEntry(SettingNames.DEFAULT_PROVIDER, "postmark");
        assertSameJson(ContractJson.write(read), snapshot);
    }

    @Test
    void aFailoverOrderTravelsAsCommaJoinedProviderNames() throws IOException {
        byte[] change = golden("setting-failover.v1.json");
        SettingChange read = ContractJson.read(change, SettingChange.class);
        assertThat(read.name()).isEqualTo(SettingNames.FAILOVER);
        assertThat(SettingNames.failoverProviders(read.value())).containsExactly("postmark", "smtp");
        assertSameJson(ContractJson.write(read), change);

        byte[] snapshot = golden("settings-snapshot-failover.v1.json");
        SettingsSnapshot withFailover = ContractJson.read(snapshot, SettingsSnapshot.class);
        assertThat(withFailover.values())
                .containsEntry(SettingNames.FAILOVER, SettingNames.failoverValue(List.of("postmark", "smtp")));
        assertSameJson(ContractJson.write(withFailover), snapshot);

        // A snapshot of an older operator has no failover entry: the configured order stays in force.
        SettingsSnapshot older = ContractJson.read(golden("settings-snapshot.v1.json"), SettingsSnapshot.class);
        assertThat(older.values()).doesNotContainKey(SettingNames.FAILOVER);
    }

    @Test
    void anEmptyFailoverValueMeansNoFailover() {
        assertThat(SettingNames.failoverValue(List.of())).isEmpty();
        assertThat(SettingNames.failoverProviders("")).isEmpty();
        assertThat(SettingNames.failoverProviders(" ses , ,mailgun")).containsExactly("ses", "mailgun");
    }

    @Test
    void deadLetterActionReadsAndWritesItsGoldenFile() throws IOException {
        byte[] golden = golden("dead-letter.v1.json");
        DeadLetterAction action = ContractJson.read(golden, DeadLetterAction.class);
        assertThat(action.action()).isEqualTo(DeadLetterAction.REPLAY);
        assertSameJson(ContractJson.write(action), golden);
    }

    @Test
    void messageRequestReadsAndWritesItsGoldenFile() throws IOException {
        byte[] golden = golden("message-request.v1.json");
        MessageRequest request = ContractJson.read(golden, MessageRequest.class);

        assertThat(request.action()).isEqualTo(MessageRequest.RESCHEDULE);
        assertThat(request.sendAt()).isEqualTo(Instant.parse("2026-11-29T08:00:00Z"));
        assertThat(request.expiresAt()).isEqualTo(Instant.parse("2026-11-28T10:20:10Z"));
        assertSameJson(ContractJson.write(request), golden);
    }

    @Test
    void messageDecisionReadsAndWritesItsGoldenFile() throws IOException {
        byte[] golden = golden("message-decision.v1.json");
        MessageDecision decision = ContractJson.read(golden, MessageDecision.class);

        assertThat(decision.outcome()).isEqualTo(MessageDecision.REFUSED);
        assertThat(decision.status()).isEqualTo("QUEUED");
        assertSameJson(ContractJson.write(decision), golden);
    }

    @Test
    void suppressionRequestReadsAndWritesItsGoldenFile() throws IOException {
        byte[] golden = golden("suppression-request.v1.json");
        SuppressionRequest request = ContractJson.read(golden, SuppressionRequest.class);

        assertThat(request.action()).isEqualTo(SuppressionRequest.ADD);
        assertThat(request.entries())
                .containsExactly(
                        new SuppressionRequest.Entry(
                                "Bounced@Example.org", "hard-bounce", "bounced at our previous provider"),
                        new SuppressionRequest.Entry("asked-us@example.org", null, null));
        assertThat(request.expiresAt()).isEqualTo(Instant.parse("2026-12-06T10:20:10Z"));
        assertSameJson(ContractJson.write(request), golden);
    }

    @Test
    void erasureRequestReadsAndWritesItsGoldenFile() throws IOException {
        byte[] golden = golden("erasure-request.v1.json");
        ErasureRequest request = ContractJson.read(golden, ErasureRequest.class);

        assertThat(request.erasureId()).isEqualTo(UUID.fromString("4e2d8c1a-7b3f-4a6e-9d05-2c1b0a9f8e7d"));
        assertThat(request.organizationId()).isEqualTo("default");
        assertThat(request.email()).isEqualTo("Ada.Lovelace@Example.org");
        assertThat(request.requestedBy()).isEqualTo("user:3f6c2a1b-8d9e-4f0a-b1c2-d3e4f5a6b7c8");
        assertThat(request.requestedAt()).isEqualTo(Instant.parse("2026-12-10T09:15:00Z"));
        assertSameJson(ContractJson.write(request), golden);
    }

    @Test
    void suppressionDecisionReadsAndWritesItsGoldenFile() throws IOException {
        byte[] golden = golden("suppression-decision.v1.json");
        SuppressionDecision decision = ContractJson.read(golden, SuppressionDecision.class);

        assertThat(decision.outcome()).isEqualTo(SuppressionDecision.DONE);
        assertThat(decision.added()).containsExactly("bounced@example.org");
        assertThat(decision.removed()).isEmpty();
        assertSameJson(ContractJson.write(decision), golden);
    }

    @Test
    void typeNamesMapToTheirRecords() {
        assertThat(MessageTypes.bodyOf("mailroom.mailbox.submit.v1")).isEqualTo(SubmitMessage.class);
        assertThat(MessageTypes.bodyOf("mailroom.dispatching.dispatch.v1")).isEqualTo(DispatchCommand.class);
        assertThat(MessageTypes.bodyOf("mailroom.tracking.activity.v1")).isEqualTo(ActivityReport.class);
        assertThat(MessageTypes.bodyOf("mailroom.tracking.activities.v1")).isEqualTo(ActivityBatch.class);
        assertThat(MessageTypes.bodyOf("mailroom.mailbox.cancel.v1")).isEqualTo(CancelMessage.class);
        assertThat(MessageTypes.bodyOf("mailroom.mailbox.submit.v0")).isNull();
    }

    @Test
    void unknownPropertiesFromANewerProducerAreIgnored() {
        byte[] body = "{\"id\":\"0b6f4c3e-6a43-4c8e-9f0e-2f1b8f0b9a11\",\"futureField\":1}".getBytes();
        assertThat(ContractJson.read(body, SubmitMessage.class).id()).isNotNull();
    }

    @Test
    void garbageIsReportedAsAMalformedMessage() {
        assertThatThrownBy(() -> ContractJson.read("{not json".getBytes(), SubmitMessage.class))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("SubmitMessage");
        assertThatThrownBy(() -> ContractJson.read("{\"status\":\"EXPLODED\"}".getBytes(), ActivityReport.class))
                .isInstanceOf(MalformedMessageException.class);
    }

    private static void assertSameJson(byte[] written, byte[] golden) {
        JsonNode actual = ContractJson.mapper().readTree(written);
        JsonNode expected = ContractJson.mapper().readTree(golden);
        assertThat(actual).isEqualTo(expected);
    }

    private static byte[] golden(String name) throws IOException {
        try (InputStream in = GoldenJsonTest.class.getResourceAsStream("/golden/" + name)) {
            return in.readAllBytes();
        }
    }
}
