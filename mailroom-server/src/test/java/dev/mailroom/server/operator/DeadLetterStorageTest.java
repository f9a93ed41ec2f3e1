package dev.mailroom.server.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.contracts.QueueNames;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/** Dead-lettering cannot fail: it waits out a database outage, and a row refused as it is is stored in a minimal form. */
class DeadLetterStorageTest {
    record Row(UUID id, String queue, String type, String messageId, String reason) {}

    private final List<Row> stored = new ArrayList<>();
    private final List<String> attempts = new ArrayList<>();

    @Test
    void aDatabaseOutageWhileDeadLetteringIsWaitedOutAndTheRowStoredOnce() {
        DeadLetters deadLetters = new DeadLetters(
                (id, queue, type, messageId, reason, body, now) -> {
                    attempts.add(messageId);
                    if (attempts.size() == 1) {
                        throw new CannotGetJdbcConnectionException("Connection refused");
                    }
                    stored.add(new Row(id, queue, type, messageId, reason));
                },
                Clock.systemUTC());

        deadLetters.add(QueueNames.MAILBOX, "t", "m-1", "unreadable", "{".getBytes(StandardCharsets.UTF_8));

        assertThat(attempts).hasSize(2);
        assertThat(stored)
                .singleElement()
                .satisfies(r -> assertThat(r.messageId()).isEqualTo("m-1"));
    }

    @Test
    void aRowRefusedAsItIsIsStoredInAMinimalFormUnderTheSameId() {
        DeadLetters deadLetters = new DeadLetters(
                (id, queue, type, messageId, reason, body, now) -> {
                    attempts.add(messageId);
                    if (attempts.size() == 1) {
                        throw new DataIntegrityViolationException("value refused");
                    }
                    stored.add(new Row(id, queue, type, messageId, reason));
                },
                Clock.systemUTC());

        deadLetters.add("odd queue ✉", "odd type", "odd id ✉", "why\nnot", "{".getBytes(StandardCharsets.UTF_8));

        assertThat(stored).singleElement().satisfies(r -> {
            assertThat(r.queue()).isEqualTo("odd_queue__");
            assertThat(r.type()).isNull();
            assertThat(r.messageId()).matches("sha256:[0-9a-f]{32}");
            assertThat(r.reason())
                    .startsWith("could not be dead-lettered with its own queue name, type and id")
                    .contains("why?not")
                    .matches("[\\x20-\\x7e]*");
        });
    }

    @Test
    void theSameMessageDeadLetteredTwiceGetsTheSameRowIdEvenWhenItsIdIsCut() {
        DeadLetters deadLetters = new DeadLetters(
                (id, queue, type, messageId, reason, body, now) ->
                        stored.add(new Row(id, queue, type, messageId, reason)),
                Clock.fixed(Instant.EPOCH, java.time.ZoneOffset.UTC));
        String longId = "x".repeat(250);

        deadLetters.add(QueueNames.TRACKING, null, longId, "a", new byte[0]);
        deadLetters.add(QueueNames.TRACKING, null, longId, "a", new byte[0]);
        deadLetters.add(QueueNames.TRACKING, null, longId + "y", "a", new byte[0]);

        assertThat(stored.get(0).id())
                .isEqualTo(stored.get(1).id())
                .isNotEqualTo(stored.get(2).id());
        assertThat(stored.get(0).messageId())
                .isNotEqualTo(stored.get(2).messageId())
                .hasSizeLessThanOrEqualTo(DeadLetters.MESSAGE_ID_COLUMN);
    }
}
