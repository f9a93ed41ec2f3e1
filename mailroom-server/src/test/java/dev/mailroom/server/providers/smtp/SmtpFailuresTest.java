package dev.mailroom.server.providers.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.providers.DeliveryOutcome;
import jakarta.mail.Address;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

/** The reply-code rules on their own, with the exceptions Angus Mail builds from SMTP replies. */
class SmtpFailuresTest {

    @Test
    void a4xxReplyToTheContentMeansRetryLaterWithTheReply() {
        SMTPSendFailedException failure = new SMTPSendFailedException(
                ".", 451, "451 4.7.1 Greylisted, try again in 5 minutes\n", null, null, null, null);

        DeliveryOutcome outcome = SmtpFailures.outcome(failure, "relay.example:587", "pw");

        assertThat(outcome)
                .isEqualTo(new DeliveryOutcome.RetryLater(
                        "SMTP relay relay.example:587 answered 451 4.7.1 Greylisted, try again in 5 minutes (to end of DATA)",
                        null));
    }

    @Test
    void oneRecipientRefusedForGoodRejectsTheEmailEvenIfAnotherIsOnlyDeferred() throws Exception {
        InternetAddress full = new InternetAddress("full@example.org");
        InternetAddress gone = new InternetAddress("gone@example.org");
        SMTPAddressFailedException deferred =
                new SMTPAddressFailedException(full, "RCPT TO:<full@example.org>", 452, "452 4.2.2 Mailbox full");
        SMTPAddressFailedException refused =
                new SMTPAddressFailedException(gone, "RCPT TO:<gone@example.org>", 550, "550 5.1.1 User unknown");
        deferred.setNextException(refused);
        SendFailedException failure = new SendFailedException(
                "Invalid Addresses", deferred, new Address[0], new Address[] {full}, new Address[] {gone});

        DeliveryOutcome outcome = SmtpFailures.outcome(failure, "relay.example:25", null);

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Rejected.class);
        assertThat(((DeliveryOutcome.Rejected) outcome).reason())
                .contains("452 4.2.2 Mailbox full (to RCPT TO:<full@example.org>)")
                .contains("550 5.1.1 User unknown (to RCPT TO:<gone@example.org>)");
    }

    @Test
    void thePasswordIsRemovedShouldARelayEverEchoIt() {
        SMTPSendFailedException failure = new SMTPSendFailedException(
                "MAIL FROM:<a@example.com>", 554, "554 5.0.0 rejected hunter2 is not welcome", null, null, null, null);

        DeliveryOutcome outcome = SmtpFailures.outcome(failure, "relay.example:25", "hunter2");

        assertThat(((DeliveryOutcome.Rejected) outcome).reason())
                .doesNotContain("hunter2")
                .contains("****");
    }
}
