package dev.mailroom.server.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.DispatchCommand;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.DeliveryOutcome.RecipientOutcome;
import dev.mailroom.server.providers.DeliveryOutcome.RecipientVerdict;
import dev.mailroom.server.providers.OutboundEmail;
import dev.mailroom.server.providers.smtp.SmtpTestSenders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An email to three recipients through the smtp provider to a real MTA, Postfix on loopback, that
 * refuses one RCPT for good ({@code 550 5.1.1}) and one for now ({@code 450 4.2.1}): the third
 * recipient gets the email, and the dispatcher reports each recipient's own verdict.
 *
 * <p>Runs only when {@code MAILROOM_IT_POSTFIX_PORT} names the port of the Postfix that
 * {@code .ci/postfix.sh start} sets up (see that script; {@code .ci/run} starts it and sets the
 * variable). {@code MAILROOM_IT_POSTFIX_MAILDIR} is where it delivers ({@code
 * /var/lib/mailroom-postfix/mail} unless set).
 */
class PostfixPartialSendIT {
    private static final String PORT = System.getenv("MAILROOM_IT_POSTFIX_PORT");
    private static final Path MAILDIR =
            Path.of(System.getenv().getOrDefault("MAILROOM_IT_POSTFIX_MAILDIR", "/var/lib/mailroom-postfix/mail"));
    private static final String VALID = "valid@example.test";
    private static final String REJECTED = "rejected@example.test";
    private static final String DEFERRED = "deferred@example.test";

    @BeforeEach
    void needsThePostfixOfTheTests() {
        assumeTrue(
                PORT != null && !PORT.isBlank(),
                "needs the loopback Postfix of .ci/postfix.sh: run `.ci/postfix.sh start` as root and set"
                        + " MAILROOM_IT_POSTFIX_PORT to the port it prints");
    }

    @Test
    void theRelaysAcceptedRecipientGetsTheEmailAndEachRefusedOneItsOwnVerdict() {
        UUID messageId = UUID.randomUUID();
        Email email = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of(VALID), Recipient.of(REJECTED)),
                List.of(Recipient.of(DEFERRED)),
                null,
                null,
                "Partial send " + messageId,
                "Hello",
                null,
                null,
                null,
                null,
                null);
        DispatchCommand command = new DispatchCommand(messageId, "default", 1, "smtp", email);

        DeliveryOutcome outcome = SmtpTestSenders.relay("127.0.0.1", Integer.parseInt(PORT.strip()))
                .send(new OutboundEmail(messageId, 1, email));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.PerRecipient.class);
        DeliveryOutcome.PerRecipient split = (DeliveryOutcome.PerRecipient) outcome;
        assertThat(split.providerMessageId()).isEqualTo("<" + messageId + "@example.com>");
        assertThat(split.recipients())
                .extracting(RecipientOutcome::recipient, RecipientOutcome::verdict, RecipientOutcome::smtpCode)
                .containsExactly(
                        tuple(VALID, RecipientVerdict.ACCEPTED, null),
                        tuple(REJECTED, RecipientVerdict.BOUNCED, 550),
                        tuple(DEFERRED, RecipientVerdict.DEFERRED, 450));

        Instant now = Instant.now();
        List<ActivityReport> reports = DispatchReports.of(command, "smtp", outcome, now);
        assertThat(reports)
                .extracting(ActivityReport::recipient, ActivityReport::status, ActivityReport::attempt)
                .containsExactly(
                        tuple(VALID, MessageStatus.DISPATCHED, 1),
                        tuple(REJECTED, MessageStatus.BOUNCED, 1),
                        tuple(DEFERRED, MessageStatus.DEFERRED, 1));
        assertThat(reports.get(0).providerMessageId()).isEqualTo(split.providerMessageId());
        assertThat(reports.get(1).details())
                .containsEntry("bounceType", "hard")
                .containsEntry("smtpCode", 550)
                .containsEntry("reason", "550 5.1.1 <rejected@example.test>: Recipient address rejected: User unknown");
        assertThat(reports.get(2).details())
                .containsEntry("bounceType", "soft")
                .containsEntry("smtpCode", 450)
                .hasEntrySatisfying(
                        "reason",
                        reason -> assertThat((String) reason)
                                .startsWith("450 4.2.1 <deferred@example.test>: Recipient address rejected"));
        assertThat(reports.get(2).retryAt()).isEqualTo(now);

        // Postfix queued it for the accepted recipient only and delivers it into her Maildir.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(delivered(VALID, messageId)).hasSize(1));
        assertThat(delivered(VALID, messageId).get(0))
                .contains("Subject: Partial send " + messageId)
                .contains("X-Original-To: " + VALID);
    }

    /** The emails of {@code messageId} in {@code address}'s Maildir, as text. */
    private static List<String> delivered(String address, UUID messageId) {
        Path box = MAILDIR.resolve(address);
        try (Stream<Path> files = Stream.of("new", "cur")
                .map(box::resolve)
                .filter(Files::isDirectory)
                .flatMap(PostfixPartialSendIT::list)) {
            return files.map(PostfixPartialSendIT::read)
                    .filter(text -> text.contains("X-Mailroom-Id: " + messageId))
                    .toList();
        }
    }

    private static Stream<Path> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            // Gone between listing and reading (someone emptying the Maildir): not this email.
            return "";
        }
    }
}
