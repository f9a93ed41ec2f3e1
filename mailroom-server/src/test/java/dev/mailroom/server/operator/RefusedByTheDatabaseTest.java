package dev.mailroom.server.operator;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The listeners check what they can before the database; this is the safety net behind those
 * checks: values that reach the intake and the recorder unchecked and that the database (or the
 * conversion to its types) refuses. Only those are handed back, the rest is recorded, once.
 */
@EndToEndTest
class RefusedByTheDatabaseTest {
    @LocalServerPort
    int port;

    @Autowired
    MessageIntake intake;

    @Autowired
    ActivityRecorder recorder;

    @Autowired
    JdbcTemplate jdbc;

    private static Email email(String from, String to) {
        return new Email(
                Address.of(from),
                List.of(Recipient.of(to)),
                null,
                null,
                null,
                "Refused",
                "hello",
                null,
                null,
                null,
                null,
                null);
    }

    @Test
    void submissionsTheDatabaseRefusesAreHandedBackAndTheOthersAreSent() {
        List<SubmitMessage> batch = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            batch.add(new SubmitMessage(
                    UUID.randomUUID(),
                    "default",
                    Instant.now(),
                    email("app@example.com", "refused-" + i + "@example.org"),
                    null,
                    null));
        }
        // A from address longer than its column, and a send time no TIMESTAMP WITH TIME ZONE (nor OffsetDateTime)
        // holds.
        SubmitMessage tooLong = new SubmitMessage(
                UUID.randomUUID(),
                "default",
                Instant.now(),
                email("a".repeat(400) + "@example.com", "ada@example.org"),
                null,
                null);
        SubmitMessage farAway = new SubmitMessage(
                UUID.randomUUID(),
                "default",
                Instant.now(),
                email("app@example.com", "ada@example.org"),
                Instant.MAX,
                null);
        batch.add(7, tooLong);
        batch.add(22, farAway);
        Map<UUID, RuntimeException> refused = new ConcurrentHashMap<>();

        intake.accept(batch, (s, e) -> refused.put(s.id(), e));

        assertThat(refused.keySet()).containsExactlyInAnyOrder(tooLong.id(), farAway.id());
        ApiClient api = new ApiClient(port);
        batch.stream()
                .filter(s -> !refused.containsKey(s.id()))
                .forEach(s -> awaitStatus(api, s.id().toString(), "DELIVERED"));
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM messages WHERE id IN (?, ?)", Integer.class, tooLong.id(), farAway.id()))
                .isZero();
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM activities WHERE message_id = ? AND status = 'QUEUED'",
                        Integer.class,
                        batch.get(0).id()))
                .as("QUEUED recorded once")
                .isEqualTo(1);
    }

    @Test
    void whatOnlyPostgreSqlRefusesIsHandedBackThereAndStoredElsewhere() {
        boolean postgres = "PostgreSQL".equals(jdbc.execute((ConnectionCallback<String>)
                c -> c.getMetaData().getDatabaseProductName()));
        String providerId = "refused-pg-" + UUID.randomUUID();
        List<ActivityReport> reports = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            reports.add(ActivityReport.event(
                    Ids.providerEvent("sandbox", providerId + "-" + i),
                    null,
                    providerId,
                    "sandbox",
                    MessageStatus.DELIVERED,
                    Instant.now(),
                    "ada@example.org",
                    "delivered",
                    Map.of()));
        }
        // PostgreSQL refuses NUL in text and stores no year after 294276.
        ActivityReport nul = ActivityReport.event(
                UUID.randomUUID(),
                null,
                providerId,
                "sandbox",
                MessageStatus.OPENED,
                Instant.now(),
                "ada\0@example.org",
                "open",
                Map.of());
        ActivityReport year300000 = ActivityReport.event(
                UUID.randomUUID(),
                null,
                providerId,
                "sandbox",
                MessageStatus.CLICKED,
                Instant.parse("+300000-01-01T00:00:00Z"),
                "ada@example.org",
                "click",
                Map.of());
        reports.add(3, nul);
        reports.add(17, year300000);
        List<ActivityReport> refused = new ArrayList<>();

        Isolation.run(reports, recorder::recordTogether, (r, e) -> refused.add(r));

        assertThat(refused).containsExactlyInAnyOrderElementsOf(postgres ? List.of(nul, year300000) : List.of());
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM activities WHERE provider_message_id = ?", Integer.class, providerId))
                .isEqualTo(postgres ? 20 : 22);
    }

    @Test
    void aReportTheDatabaseRefusesIsHandedBackAndTheOthersAreRecorded() {
        UUID messageId = UUID.randomUUID();
        List<ActivityReport> reports = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            reports.add(ActivityReport.event(
                    Ids.providerEvent("sandbox", "refused-" + messageId + "-" + i),
                    null,
                    "refused-" + messageId,
                    "sandbox",
                    MessageStatus.DELIVERED,
                    Instant.now(),
                    "ada@example.org",
                    "delivered",
                    Map.of()));
        }
        ActivityReport tooLong = ActivityReport.event(
                UUID.randomUUID(),
                null,
                "refused-" + messageId,
                "sandbox",
                MessageStatus.OPENED,
                Instant.now(),
                "ada@example.org",
                "e".repeat(100),
                Map.of());
        reports.add(11, tooLong);
        List<ActivityReport> refused = new ArrayList<>();

        Isolation.run(reports, recorder::recordTogether, (r, e) -> refused.add(r));

        assertThat(refused).containsExactly(tooLong);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM activities WHERE provider_message_id = ?",
                        Integer.class,
                        "refused-" + messageId))
                .isEqualTo(20);
    }
}
