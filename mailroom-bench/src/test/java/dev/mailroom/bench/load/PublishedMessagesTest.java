package dev.mailroom.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishedMessagesTest {

    private static final String OPERATOR_START = """
            # HELP mailroom_broker_published_total
            # TYPE mailroom_broker_published_total counter
            mailroom_broker_published_total{application="mailroom",queue="mailroom.dispatching",} 1200.0
            mailroom_broker_published_total{application="mailroom",queue="mailroom.dead-letters",} 3.0
            mailroom_broker_published_seconds_max{queue="mailroom.dispatching",} 0.5
            jvm_memory_used_bytes{area="heap",id="G1 Old Gen",} 2.5E7
            """;
    private static final String OPERATOR_END = """
            # TYPE mailroom_broker_published_total counter
            mailroom_broker_published_total{application="mailroom",queue="mailroom.dispatching",} 11200.0
            mailroom_broker_published_total{application="mailroom",queue="mailroom.dead-letters",} 3.0
            """;
    private static final String DISPATCHER_START = """
            mailroom_broker_published_total{queue="mailroom.tracking"} 25 1732800000000
            """;
    private static final String DISPATCHER_END = """
            mailroom_broker_published_total{queue="mailroom.tracking"} 225 1732800060000
            """;
    private static final String API_END = """
            mailroom_broker_published_total{application="mailroom",queue="mailroom.tracking",} 300.0
            """;

    @Test
    void readsTheCounterPerQueueFromPrometheusText() {
        assertThat(PublishedMessages.parse(OPERATOR_START))
                .containsOnly(entry("mailroom.dispatching", 1200.0), entry("mailroom.dead-letters", 3.0));
        assertThat(PublishedMessages.parse(DISPATCHER_END)).containsOnly(entry("mailroom.tracking", 225.0));
    }

    @Test
    void addsSeriesOfOneQueueThatDifferInOtherLabels() {
        String text = """
                mailroom_broker_published_total{instance="a",queue="mailroom.tracking",} 10.0
                mailroom_broker_published_total{queue="mailroom.tracking",instance="b",} 5.0
                mailroom_broker_published_total{instance="c",subqueue="mailroom.mailbox",} 7.0
                """;
        assertThat(PublishedMessages.parse(text)).containsOnly(entry("mailroom.tracking", 15.0));
    }

    @Test
    void countsWhatEachProcessPublishedBetweenTheReadingsSummedOverProcesses() {
        PublishedMessages.Reading start = new PublishedMessages.Reading(
                Map.of(
                        "operator-1", PublishedMessages.parse(OPERATOR_START),
                        "dispatcher-1", PublishedMessages.parse(DISPATCHER_START),
                        // The api had not published yet: Micrometer creates the counter on the first publish.
                        "api", PublishedMessages.parse("jvm_threads_live_threads 40.0\n")),
                List.of());
        PublishedMessages.Reading end = new PublishedMessages.Reading(
                Map.of(
                        "operator-1", PublishedMessages.parse(OPERATOR_END),
                        "dispatcher-1", PublishedMessages.parse(DISPATCHER_END),
                        "api", PublishedMessages.parse(API_END)),
                List.of());

        PublishedMessages.Count count = PublishedMessages.between(start, end, 10_000);

        assertThat(count.counted()).isTrue();
        assertThat(count.byQueue())
                .containsOnly(
                        entry("mailroom.mailbox", 10_000L),
                        entry("mailroom.dispatching", 10_000L),
                        entry("mailroom.tracking", 200L + 300L),
                        entry("mailroom.dead-letters", 0L));
        assertThat(count.how())
                .contains("mailroom_broker_published_total")
                .contains("benchmark's own confirmed submissions");
    }

    @Test
    void overRestTheApiCountsTheMailboxMessages() {
        PublishedMessages.Reading start = new PublishedMessages.Reading(
                Map.of(
                        "api",
                        PublishedMessages.parse(
                                "mailroom_broker_published_total{queue=\"mailroom.mailbox\",} 100.0\n")),
                List.of());
        PublishedMessages.Reading end = new PublishedMessages.Reading(
                Map.of(
                        "api",
                        PublishedMessages.parse(
                                "mailroom_broker_published_total{queue=\"mailroom.mailbox\",} 600.0\n")),
                List.of());

        PublishedMessages.Count count = PublishedMessages.between(start, end, 0);

        assertThat(count.byQueue()).containsEntry("mailroom.mailbox", 500L);
        assertThat(count.how()).doesNotContain("benchmark's own");
    }

    @Test
    void aProcessNotReadAtTheStartIsLeftOutAndNamed() {
        PublishedMessages.Reading start = new PublishedMessages.Reading(
                Map.of("dispatcher-1", PublishedMessages.parse(DISPATCHER_START)), List.of("api"));
        PublishedMessages.Reading end = new PublishedMessages.Reading(
                Map.of(
                        "dispatcher-1", PublishedMessages.parse(DISPATCHER_END),
                        "api", PublishedMessages.parse(API_END)),
                List.of("operator-1"));

        PublishedMessages.Count count = PublishedMessages.between(start, end, 0);

        assertThat(count.byQueue()).containsEntry("mailroom.tracking", 200L);
        assertThat(count.how())
                .contains("not read at both moments")
                .contains("api")
                .contains("operator-1");
    }

    @Test
    void countsNothingWithoutAMetricsUrl() {
        PublishedMessages none = new PublishedMessages(List.of(new ProcessSampler.Watched("mailroom", 1, null, null)));
        PublishedMessages.Reading reading = none.read();

        PublishedMessages.Count count = PublishedMessages.between(reading, reading, 5_000);

        assertThat(reading.byProcess()).isEmpty();
        assertThat(count.counted()).isFalse();
        assertThat(count.how()).contains("no Mailroom process has a metrics URL");
    }

    @Test
    void countsNothingWhenTheServerDoesNotExposeTheCounter() {
        String older = "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Old Gen\",} 2.5E7\n";
        PublishedMessages.Reading reading = new PublishedMessages.Reading(
                Map.of("operator-1", PublishedMessages.parse(older), "api", PublishedMessages.parse(older)), List.of());

        PublishedMessages.Count count = PublishedMessages.between(reading, reading, 5_000);

        assertThat(count.counted()).isFalse();
        assertThat(count.how()).contains("do not expose mailroom_broker_published_total");
    }

    @Test
    void perEmailNamesQueuesShortAndShowsOthersOnlyWhenUsed() {
        Map<String, Double> perEmail = EmailCosts.perEmail(
                Map.of(
                        "mailroom.mailbox",
                        1000L,
                        "mailroom.dispatching",
                        1000L,
                        "mailroom.tracking",
                        50L,
                        "mailroom.dead-letters",
                        0L,
                        "mailroom.retry",
                        20L),
                1000);

        assertThat(perEmail)
                .containsExactly(
                        entry("mailbox", 1.0),
                        entry("dispatching", 1.0),
                        entry("tracking", 0.05),
                        entry("retry", 0.02));
    }

    @Test
    void aTrackingMessageOfManyReportsIsOneBatchNotManyMessages() {
        var report = dev.mailroom.contracts.ActivityReport.event(
                java.util.UUID.randomUUID(),
                java.util.UUID.randomUUID(),
                "fake1",
                "sendgrid",
                dev.mailroom.contracts.MessageStatus.DELIVERED,
                java.time.Instant.now(),
                "user1@bench.example",
                "delivered",
                Map.of());
        int one = BenchRun.trackingMessageBytes(report, 1);
        int hundred = BenchRun.trackingMessageBytes(report, 100);

        // The reports, their separators and the {"activities":[...]} wrapper.
        assertThat(hundred).isBetween(100 * one + 99, 100 * one + 200);
    }
}
