package dev.mailroom.server.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.contracts.ActivityBatch;
import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueMessage;
import dev.mailroom.contracts.QueueNames;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TrackingMessagesTest {
    private static final UUID MESSAGE = UUID.fromString("0b6f4c3e-6a43-4c8e-9f0e-2f1b8f0b9a11");

    private static ActivityReport event(int n) {
        return ActivityReport.event(
                Ids.providerEvent("sendgrid", "ev-" + n),
                MESSAGE,
                "sg-1",
                "sendgrid",
                MessageStatus.OPENED,
                Instant.parse("2026-11-28T10:00:00Z"),
                "ada@example.org",
                "open",
                Map.of());
    }

    private static List<ActivityReport> events(int count) {
        return IntStream.range(0, count).mapToObj(TrackingMessagesTest::event).toList();
    }

    /** What the publisher sends for these messages: queue, message_id, type and body. */
    private static List<OutgoingMessage> onTheWire(List<QueueMessage> messages) {
        return messages.stream().map(OutgoingMessage::of).toList();
    }

    @Test
    void oneReportTravelsInTheOneReportFormUnderItsOwnId() {
        List<OutgoingMessage> messages = onTheWire(TrackingMessages.of(events(1)));

        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).type()).isEqualTo(MessageTypes.ACTIVITY_V1);
        assertThat(messages.get(0).messageId()).isEqualTo(event(0).id().toString());
        assertThat(ContractJson.read(messages.get(0).body(), ActivityReport.class))
                .isEqualTo(event(0));
    }

    @Test
    void reportsProducedTogetherTravelAsOneBatchMessage() {
        List<OutgoingMessage> messages = onTheWire(TrackingMessages.of(events(100)));

        assertThat(messages).hasSize(1);
        OutgoingMessage only = messages.get(0);
        assertThat(only.queue()).isEqualTo(QueueNames.TRACKING);
        assertThat(only.type()).isEqualTo(MessageTypes.ACTIVITIES_V1);
        ActivityBatch batch = ContractJson.read(only.body(), ActivityBatch.class);
        assertThat(batch.activities()).isEqualTo(events(100));
        assertThat(only.messageId()).isEqualTo(batch.messageId());
    }

    @Test
    void aLargeBatchIsSplitSoNoMessageCarriesMoreThanTheLimit() {
        List<OutgoingMessage> messages =
                onTheWire(TrackingMessages.of(events(2 * TrackingMessages.MAX_REPORTS_PER_MESSAGE + 1)));

        List<Integer> sizes = messages.stream()
                .map(m -> ContractJson.read(m.body(), ActivityBatch.class)
                        .activities()
                        .size())
                .toList();
        assertThat(sizes)
                .containsExactly(TrackingMessages.MAX_REPORTS_PER_MESSAGE, TrackingMessages.MAX_REPORTS_PER_MESSAGE, 1);
        assertThat(messages).extracting(OutgoingMessage::messageId).doesNotHaveDuplicates();
    }
}
