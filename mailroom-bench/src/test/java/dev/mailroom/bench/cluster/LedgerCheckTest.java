package dev.mailroom.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.bench.cluster.LedgerRows.ActivityRow;
import dev.mailroom.bench.cluster.LedgerRows.MessageRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LedgerCheckTest {
    private static final UUID A = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID B = UUID.fromString("00000000-0000-0000-0000-00000000000b");
    private static final UUID OTHER = UUID.fromString("00000000-0000-0000-0000-0000000000ff");

    /** The rows a message leaves when everything goes right: one of each fact. */
    private static List<ActivityRow> cleanTimeline(UUID message, String providerId) {
        return new ArrayList<>(List.of(
                pipeline(message, "ACCEPTED", null),
                pipeline(message, "QUEUED", 1),
                pipeline(message, "DISPATCHED", 1),
                event(message, "DELIVERED", "delivered", providerId),
                event(message, "OPENED", "open", providerId)));
    }

    private static ActivityRow pipeline(UUID message, String status, Integer attempt) {
        return new ActivityRow(UUID.randomUUID(), message, status, null, null, null, attempt);
    }

    private static ActivityRow event(UUID message, String status, String providerEvent, String providerId) {
        return new ActivityRow(UUID.randomUUID(), message, status, "ada@example.org", providerId, providerEvent, null);
    }

    @Test
    void aCleanRunIsConsistent() {
        List<ActivityRow> activities = cleanTimeline(A, "p1");
        activities.addAll(cleanTimeline(B, "p2"));
        LedgerReport report = LedgerCheck.evaluate(
                List.of(A, B),
                List.of(new MessageRow(A, "OPENED", 1), new MessageRow(B, "DELIVERED", 1)),
                activities,
                Map.of(A.toString(), 1, B.toString(), 1));

        assertThat(report.consistent()).isTrue();
        assertThat(report.problems()).isEmpty();
        assertThat(report.submitted()).isEqualTo(2);
        assertThat(report.present()).isEqualTo(2);
        assertThat(report.delivered()).isEqualTo(2);
        assertThat(report.statusCounts()).containsEntry("OPENED", 1L).containsEntry("DELIVERED", 1L);
        assertThat(report.duplicateSends()).isZero();
    }

    @Test
    void aConfirmedIdWithNoMessageRowIsLost() {
        LedgerReport report = LedgerCheck.evaluate(
                List.of(A, B), List.of(new MessageRow(A, "DELIVERED", 1)), cleanTimeline(A, "p1"), Map.of());

        assertThat(report.missing()).containsExactly(B);
        assertThat(report.lost()).isEqualTo(1);
        assertThat(report.consistent()).isFalse();
        assertThat(report.problems()).anyMatch(p -> p.contains("never recorded") && p.contains(B.toString()));
    }

    @Test
    void aMessageStuckBeforeATerminalStatusIsLost() {
        LedgerReport report =
                LedgerCheck.evaluate(List.of(A), List.of(new MessageRow(A, "DISPATCHED", 1)), List.of(), Map.of());

        assertThat(report.notTerminal()).containsExactly(A);
        assertThat(report.lost()).isEqualTo(1);
        assertThat(report.delivered()).isZero();
    }

    @Test
    void failedIsTerminalButNotDelivered() {
        LedgerReport report =
                LedgerCheck.evaluate(List.of(A), List.of(new MessageRow(A, "FAILED", 5)), List.of(), Map.of());

        assertThat(report.lost()).isZero();
        assertThat(report.delivered()).isZero();
    }

    @Test
    void twoMessageRowsForOneIdAreADuplicate() {
        LedgerReport report = LedgerCheck.evaluate(
                List.of(A),
                List.of(new MessageRow(A, "DELIVERED", 1), new MessageRow(A, "DELIVERED", 1)),
                List.of(),
                Map.of());

        assertThat(report.duplicatedMessageRows()).containsExactly(A);
        assertThat(report.duplicateRows()).isEqualTo(1);
    }

    @Test
    void theSameProviderEventStoredUnderTwoIdsIsADuplicateRow() {
        List<ActivityRow> activities = cleanTimeline(A, "p1");
        activities.add(event(A, "DELIVERED", "delivered", "p1"));

        LedgerReport report =
                LedgerCheck.evaluate(List.of(A), List.of(new MessageRow(A, "OPENED", 1)), activities, Map.of());

        assertThat(report.duplicateRows()).isEqualTo(1);
        assertThat(report.duplicateFacts()).singleElement().satisfies(d -> {
            assertThat(d.messageId()).isEqualTo(A);
            assertThat(d.fact()).contains("DELIVERED").contains("p1");
            assertThat(d.rows()).isEqualTo(2);
        });
    }

    @Test
    void aSecondSendsDeliveryIsADuplicateSendNotADuplicateRow() {
        List<ActivityRow> activities = cleanTimeline(A, "p1");
        activities.add(event(A, "DELIVERED", "delivered", "p2"));

        LedgerReport report = LedgerCheck.evaluate(
                List.of(A), List.of(new MessageRow(A, "OPENED", 1)), activities, Map.of(A.toString(), 2));

        assertThat(report.duplicateRows()).isZero();
        assertThat(report.repeatedDeliveries()).isEqualTo(1);
        assertThat(report.duplicateSends()).isEqualTo(1);
    }

    @Test
    void twoAcceptedRowsOfOneMessageAreADuplicateWhateverTheirAttempt() {
        List<ActivityRow> activities = cleanTimeline(A, "p1");
        activities.add(pipeline(A, "ACCEPTED", 1));

        LedgerReport report =
                LedgerCheck.evaluate(List.of(A), List.of(new MessageRow(A, "OPENED", 1)), activities, Map.of());

        assertThat(report.duplicateFacts())
                .singleElement()
                .satisfies(d -> assertThat(d.fact()).isEqualTo("ACCEPTED"));
    }

    @Test
    void queuedAndDispatchedOncePerAttemptAreNotDuplicatesButTwiceForOneAttemptAre() {
        List<ActivityRow> retried = cleanTimeline(A, "p1");
        retried.add(pipeline(A, "DEFERRED", 1));
        retried.add(pipeline(A, "QUEUED", 2));
        retried.add(pipeline(A, "DISPATCHED", 2));
        assertThat(LedgerCheck.evaluate(List.of(A), List.of(new MessageRow(A, "OPENED", 2)), retried, Map.of())
                        .duplicateRows())
                .isZero();

        retried.add(pipeline(A, "QUEUED", 2));
        LedgerReport report =
                LedgerCheck.evaluate(List.of(A), List.of(new MessageRow(A, "OPENED", 2)), retried, Map.of());
        assertThat(report.duplicateFacts())
                .singleElement()
                .satisfies(d -> assertThat(d.fact()).isEqualTo("QUEUED of attempt 2"));
    }

    @Test
    void onlyTheSubmittedIdsAreJudged() {
        List<ActivityRow> activities = cleanTimeline(A, "p1");
        activities.addAll(cleanTimeline(OTHER, "p9"));
        activities.addAll(cleanTimeline(OTHER, "p9"));

        LedgerReport report = LedgerCheck.evaluate(
                List.of(A),
                List.of(new MessageRow(A, "OPENED", 1), new MessageRow(OTHER, "QUEUED", 1)),
                activities,
                Map.of(A.toString(), 1, OTHER.toString(), 7));

        assertThat(report.consistent()).isTrue();
        assertThat(report.statusCounts()).containsOnlyKeys("OPENED");
        assertThat(report.duplicateSends()).isZero();
    }

    @Test
    void unmatchedProviderEventsAreNotCountedForAnyMessage() {
        List<ActivityRow> activities = cleanTimeline(A, "p1");
        activities.add(
                new ActivityRow(UUID.randomUUID(), null, "DELIVERED", "ada@example.org", "p1", "delivered", null));
        activities.add(
                new ActivityRow(UUID.randomUUID(), null, "DELIVERED", "ada@example.org", "p1", "delivered", null));

        assertThat(LedgerCheck.evaluate(List.of(A), List.of(new MessageRow(A, "OPENED", 1)), activities, Map.of())
                        .duplicateRows())
                .isZero();
    }

    @Test
    void theAttemptIsReadFromTheDetails() {
        assertThat(LedgerQueries.attemptOf("{\"attempt\":3,\"reason\":\"sendgrid answered 503\"}"))
                .isEqualTo(3);
        assertThat(LedgerQueries.attemptOf("{\"reason\":\"x\"}")).isNull();
        assertThat(LedgerQueries.attemptOf(null)).isNull();
        assertThat(LedgerQueries.attemptOf("not json")).isNull();
    }
}
