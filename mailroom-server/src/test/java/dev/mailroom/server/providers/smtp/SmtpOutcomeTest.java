package dev.mailroom.server.providers.smtp;

import static dev.mailroom.server.providers.smtp.SmtpFixtures.outbound;
import static dev.mailroom.server.providers.smtp.SmtpFixtures.plain;
import static dev.mailroom.server.providers.smtp.SmtpFixtures.sender;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Attachment;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.DeliveryOutcome.RecipientOutcome;
import dev.mailroom.server.providers.DeliveryOutcome.RecipientVerdict;
import dev.mailroom.server.providers.OutboundEmail;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the smtp provider answers when the relay is missing, silent, or says no, for now or for
 * good, to the whole email or to some recipients. GreenMail where it can give the answer, a
 * scripted SMTP server where it cannot (GreenMail takes every RCPT); {@code PostfixPartialSendIT}
 * checks the refused recipients against a real MTA.
 */
class SmtpOutcomeTest {
    private static final String PASSWORD = "s3cret-Pa55word";

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("relay@example.com", "relay-user", PASSWORD));

    private static Email twoRecipients() {
        return new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org"), Recipient.of("gone@example.org")),
                null,
                null,
                null,
                "Welcome",
                "Hello",
                null,
                null,
                null,
                null,
                null);
    }

    private static String reason(DeliveryOutcome outcome) {
        if (outcome instanceof DeliveryOutcome.Rejected rejected) {
            return rejected.reason();
        }
        if (outcome instanceof DeliveryOutcome.RetryLater later) {
            return later.reason();
        }
        throw new AssertionError("expected a failure, got " + outcome);
    }

    private static int unusedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void nothingListeningOnThePortMeansRetryLater() throws Exception {
        DeliveryOutcome outcome = sender(unusedPort()).send(outbound(plain()));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(((DeliveryOutcome.RetryLater) outcome).notBefore()).isNull();
        assertThat(reason(outcome)).contains("localhost:");
    }

    @Test
    void theRightPasswordLogsInAndTheMailIsAccepted() {
        DeliveryOutcome outcome = sender(
                        greenMail.getSmtp().getPort(), "relay-user", PASSWORD, false, Duration.ofSeconds(5))
                .send(outbound(plain()));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Accepted.class);
        assertThat(greenMail.getReceivedMessages()).hasSize(1);
    }

    @Test
    void whenTheRelayTakesEveryRecipientTheOutcomeIsOneAcceptanceForTheMessage() throws Exception {
        OutboundEmail outbound = outbound(twoRecipients());

        DeliveryOutcome outcome = sender(
                        greenMail.getSmtp().getPort(), "relay-user", PASSWORD, false, Duration.ofSeconds(5))
                .send(outbound);

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Accepted("<" + outbound.messageId() + "@example.com>"));
        assertThat(greenMail.getReceivedMessagesForDomain("example.org")).hasSize(2);
    }

    @Test
    void aWrongPasswordIsRejectedWithTheRelaysReplyAndTheReasonNeverShowsAPassword() {
        String wrong = "wrong-" + PASSWORD;

        DeliveryOutcome outcome = sender(
                        greenMail.getSmtp().getPort(), "relay-user", wrong, false, Duration.ofSeconds(5))
                .send(outbound(plain()));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Rejected.class);
        assertThat(reason(outcome))
                .contains("535")
                .contains("Authentication credentials invalid")
                .doesNotContain(wrong)
                .doesNotContain(PASSWORD);
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void aTemporarilyRefusedRecipientIsDeferredAloneAndTheOthersGetTheEmail() throws Exception {
        try (ScriptedSmtpServer relay =
                ScriptedSmtpServer.replying(Map.of("RCPT TO:<gone@", "452 4.2.2 Mailbox full, try again later"))) {
            OutboundEmail outbound = outbound(twoRecipients());
            DeliveryOutcome outcome = sender(relay.port()).send(outbound);

            assertThat(outcome).isInstanceOf(DeliveryOutcome.PerRecipient.class);
            DeliveryOutcome.PerRecipient split = (DeliveryOutcome.PerRecipient) outcome;
            assertThat(split.providerMessageId()).isEqualTo("<" + outbound.messageId() + "@example.com>");
            assertThat(split.recipients())
                    .containsExactly(
                            RecipientOutcome.accepted("ada@example.org"),
                            RecipientOutcome.deferred(
                                    "gone@example.org", "452 4.2.2 Mailbox full, try again later", 452));
            assertThat(relay.received("DATA")).as("DATA sent").isTrue();
        }
    }

    @Test
    void aPermanentlyRefusedRecipientBouncesAloneWithTheRelaysReplyAndTheOthersGetTheEmail() throws Exception {
        try (ScriptedSmtpServer relay =
                ScriptedSmtpServer.replying(Map.of("RCPT TO:<gone@", "550 5.1.1 <gone@example.org>: user unknown"))) {
            DeliveryOutcome outcome = sender(relay.port()).send(outbound(twoRecipients()));

            assertThat(outcome).isInstanceOf(DeliveryOutcome.PerRecipient.class);
            assertThat(((DeliveryOutcome.PerRecipient) outcome).recipients())
                    .containsExactly(
                            RecipientOutcome.accepted("ada@example.org"),
                            RecipientOutcome.bounced(
                                    "gone@example.org", "550 5.1.1 <gone@example.org>: user unknown", 550));
            assertThat(relay.received("DATA")).as("DATA sent").isTrue();
        }
    }

    @Test
    void everyRecipientRefusedMeansAVerdictForEachAndNothingSent() throws Exception {
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.replying(Map.of(
                "RCPT TO:<gone@", "550 5.1.1 <gone@example.org>: user unknown",
                "RCPT TO:<ada@", "450 4.2.1 <ada@example.org>: mailbox busy"))) {
            DeliveryOutcome outcome = sender(relay.port()).send(outbound(twoRecipients()));

            assertThat(outcome).isInstanceOf(DeliveryOutcome.PerRecipient.class);
            DeliveryOutcome.PerRecipient split = (DeliveryOutcome.PerRecipient) outcome;
            assertThat(split.anyAccepted()).isFalse();
            assertThat(split.providerMessageId())
                    .as("nothing was sent under an id")
                    .isNull();
            assertThat(split.recipients())
                    .containsExactly(
                            RecipientOutcome.deferred(
                                    "ada@example.org", "450 4.2.1 <ada@example.org>: mailbox busy", 450),
                            RecipientOutcome.bounced(
                                    "gone@example.org", "550 5.1.1 <gone@example.org>: user unknown", 550));
            assertThat(relay.received("DATA")).as("DATA sent").isFalse();
        }
    }

    @Test
    void eachRecipientIsNamedAsTheEmailGivesItAndOnceThoughItIsListedTwice() throws Exception {
        Email email = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("Ada@Example.org")),
                List.of(Recipient.of("ada@example.org")),
                List.of(Recipient.of("Gone@Example.org")),
                null,
                "Welcome",
                "Hello",
                null,
                null,
                null,
                null,
                null);
        try (ScriptedSmtpServer relay =
                ScriptedSmtpServer.replying(Map.of("RCPT TO:<Gone@", "550 5.1.1 user unknown"))) {
            DeliveryOutcome outcome = sender(relay.port()).send(outbound(email));

            assertThat(outcome).isInstanceOf(DeliveryOutcome.PerRecipient.class);
            assertThat(((DeliveryOutcome.PerRecipient) outcome).recipients())
                    .extracting(RecipientOutcome::recipient, RecipientOutcome::verdict)
                    .containsExactly(
                            tuple("Ada@Example.org", RecipientVerdict.ACCEPTED),
                            tuple("Gone@Example.org", RecipientVerdict.BOUNCED));
        }
    }

    @Test
    void aRefusedRecipientBesideARefusedContentIsOneVerdictForTheMessageDecidedByTheContent() throws Exception {
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.replying(Map.of(
                "RCPT TO:<gone@", "550 5.1.1 <gone@example.org>: user unknown",
                ".", "451 4.3.0 Temporary content scanner failure"))) {
            DeliveryOutcome outcome = sender(relay.port()).send(outbound(twoRecipients()));

            // Nobody got the email, and only for now: ada must not be failed for good with gone.
            assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
            assertThat(reason(outcome)).contains("451 4.3.0").contains("end of DATA");
        }
    }

    @Test
    void aTemporaryRefusalOfTheContentMeansRetryLater() throws Exception {
        try (ScriptedSmtpServer relay =
                ScriptedSmtpServer.replying(Map.of(".", "451 4.3.0 Temporary content scanner failure"))) {
            DeliveryOutcome outcome = sender(relay.port()).send(outbound(plain()));

            assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
            assertThat(reason(outcome))
                    .contains("451 4.3.0 Temporary content scanner failure")
                    .contains("end of DATA");
        }
    }

    @Test
    void aPermanentRefusalOfTheContentIsRejectedWithTheSmtpCodeAndText() throws Exception {
        try (ScriptedSmtpServer relay =
                ScriptedSmtpServer.replying(Map.of(".", "554 5.7.1 Message rejected as spam"))) {
            DeliveryOutcome outcome = sender(relay.port()).send(outbound(plain()));

            assertThat(outcome).isInstanceOf(DeliveryOutcome.Rejected.class);
            assertThat(reason(outcome)).contains("554 5.7.1 Message rejected as spam");
        }
    }

    @Test
    void aRefusedSenderAddressIsRejected() throws Exception {
        try (ScriptedSmtpServer relay =
                ScriptedSmtpServer.replying(Map.of("MAIL FROM:", "553 5.7.1 Sender address not allowed"))) {
            DeliveryOutcome outcome = sender(relay.port()).send(outbound(plain()));

            assertThat(outcome).isInstanceOf(DeliveryOutcome.Rejected.class);
            assertThat(reason(outcome)).containsOnlyOnce("553 5.7.1 Sender address not allowed");
        }
    }

    @Test
    void aRelayThatNeverAnswersMeansRetryLaterOnceTheReadTimeoutPasses() throws Exception {
        Map<String, String> silent = new HashMap<>();
        silent.put("GREETING", null);
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.replying(silent)) {
            long start = System.nanoTime();
            DeliveryOutcome outcome = sender(relay.port(), null, null, false, Duration.ofMillis(300))
                    .send(outbound(plain()));

            assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aBusyRelayThatRefusesTheConnectionWith421MeansRetryLater() throws Exception {
        try (ScriptedSmtpServer relay =
                ScriptedSmtpServer.replying(Map.of("GREETING", "421 4.3.2 Too busy, come back later"))) {
            DeliveryOutcome outcome = sender(relay.port()).send(outbound(plain()));

            assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
            assertThat(reason(outcome)).contains("421 4.3.2 Too busy");
        }
    }

    @Test
    void withStarttlsOnARelayThatDoesNotOfferItGetsNeitherCredentialsNorMail() throws Exception {
        try (ScriptedSmtpServer relay =
                ScriptedSmtpServer.replying(Map.of("EHLO", "250-scripted.test\r\n250 AUTH PLAIN LOGIN"))) {
            DeliveryOutcome outcome = sender(relay.port(), "relay-user", PASSWORD, true, Duration.ofSeconds(5))
                    .send(outbound(plain()));

            assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
            assertThat(reason(outcome)).containsIgnoringCase("STARTTLS").doesNotContain(PASSWORD);
            assertThat(relay.received("AUTH")).as("AUTH sent").isFalse();
            assertThat(relay.received("MAIL")).as("MAIL sent").isFalse();
        }
    }

    @Test
    void anUnparsableAttachmentContentTypeIsRejectedBeforeSending() throws Exception {
        Email email = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org")),
                null,
                null,
                null,
                "Welcome",
                "Hello",
                null,
                null,
                null,
                null,
                List.of(new Attachment("a.pdf", "application/pdf; name", "AAAA")));
        try (ScriptedSmtpServer relay = ScriptedSmtpServer.replying(Map.of())) {
            DeliveryOutcome outcome = sender(relay.port()).send(outbound(email));

            assertThat(outcome).isInstanceOf(DeliveryOutcome.Rejected.class);
            assertThat(reason(outcome)).startsWith("cannot build the email");
            assertThat(relay.commands()).isEmpty();
        }
    }
}
