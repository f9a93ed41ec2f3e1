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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The dispatcher can send and report before the operator that queued the message has recorded
 * QUEUED (the report races the intake's last transaction). A DEFERRED that wins that race must
 * still get its retry: found by the fault-injection suite (scenario 5), where such a message
 * stayed DEFERRED with no next attempt, for ever.
 */
@EndToEndTest
class DeferredBeforeQueuedTest {
    @LocalServerPort
    int port;

    @Autowired
    MessageStore store;

    @Autowired
    ActivityRecorder recorder;

    @Autowired
    MessageIntake intake;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aDeferredRecordedBeforeQueuedStillGetsItsRetry() {
        UUID id = UUID.randomUUID();
        Instant queuedAt = Instant.now();
        Email email = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org")),
                null,
                null,
                null,
                "Race",
                "hello",
                null,
                null,
                null,
                null,
                null);
        tx.executeWithoutResult(status -> store.insertSubmissions(
                List.of(new SubmitMessage(id, "default", queuedAt, email, null, null)), queuedAt));

        // The order the race produces: the dispatcher's DEFERRED of attempt 1 first, then the intake's QUEUED of
        // attempt 1.
        recorder.record(List.of(new ActivityReport(
                Ids.activity(id, MessageStatus.DEFERRED, 1),
                id,
                null,
                "sandbox",
                MessageStatus.DEFERRED,
                Instant.now(),
                null,
                null,
                Map.of("attempt", 1, "reason", "try later"),
                1,
                Instant.now().plusMillis(100))));
        intake.recordQueued(Map.of(id, 1), java.util.Set.of(), queuedAt);

        // The retry is due in ~0.1 s and the releaser looks every 0.2 s: by now it may already have
        // released (and cleared) it. Either is a planned retry; only "not due and not released" is the bug.
        boolean planned = jdbc.queryForObject(
                "SELECT next_attempt_at IS NOT NULL OR attempts >= 2 FROM messages WHERE id = ?", Boolean.class, id);
        assertThat(planned).as("the retry is due, or already released").isTrue();
        JsonNode message = awaitStatus(new ApiClient(port), id.toString(), "DELIVERED");
        assertThat(message.get("attempts").asInt()).isEqualTo(2);
    }
}
