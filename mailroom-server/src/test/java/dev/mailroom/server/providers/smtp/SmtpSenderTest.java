package dev.mailroom.server.providers.smtp;

import static dev.mailroom.server.providers.smtp.SmtpFixtures.outbound;
import static dev.mailroom.server.providers.smtp.SmtpFixtures.plain;
import static dev.mailroom.server.providers.smtp.SmtpFixtures.sender;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Attachment;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.OutboundEmail;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What an SMTP relay (GreenMail) really receives from the smtp provider. */
class SmtpSenderTest {
    // A dynamic port: other builds on this machine may run GreenMail at the same time.
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    private DeliveryOutcome send(Email email) {
        return send(outbound(email));
    }

    private DeliveryOutcome send(OutboundEmail outbound) {
        return sender(greenMail.getSmtp().getPort()).send(outbound);
    }

    private static MimeMessage onlyMessage() {
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(1);
        return received[0];
    }

    private static MimeMessage messageFor(String mailbox) {
        List<MimeMessage> found = greenMail
                .findReceivedMessages(u -> u.getEmail().equals(mailbox), m -> true)
                .toList();
        assertThat(found).as("messages delivered to %s", mailbox).hasSize(1);
        return found.get(0);
    }

    /** Every part of a message, depth first, the message itself first. */
    private static List<Part> parts(Part part) throws Exception {
        List<Part> all = new ArrayList<>();
        all.add(part);
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                all.addAll(parts(multipart.getBodyPart(i)));
            }
        }
        return all;
    }

    private static Part partOfType(Part message, String mimeType) throws Exception {
        List<Part> matching = new ArrayList<>();
        for (Part p : parts(message)) {
            if (p.isMimeType(mimeType)) {
                matching.add(p);
            }
        }
        assertThat(matching).as("parts of type %s", mimeType).hasSize(1);
        return matching.get(0);
    }

    @Test
    void aTextOnlyEmailArrivesAsOnePlainTextPart() throws Exception {
        DeliveryOutcome outcome = send(plain());

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Accepted.class);
        MimeMessage received = onlyMessage();
        assertThat(received.getSubject()).isEqualTo("Welcome");
        assertThat(received.isMimeType("text/plain")).isTrue();
        assertThat(((String) received.getContent()).strip()).isEqualTo("Hello Ada");
        assertThat(received.getSentDate()).isEqualTo(Date.from(SmtpFixtures.CLOCK.instant()));
    }

    @Test
    void textAndHtmlArriveAsTwoAlternativesOfOneMessage() throws Exception {
        Email email = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org")),
                null,
                null,
                null,
                "Your receipt – Grüße",
                "Thanks, Ada",
                "<p>Thanks, <b>Ada</b></p>",
                null,
                null,
                null,
                null);

        send(email);

        MimeMessage received = onlyMessage();
        assertThat(received.getSubject()).isEqualTo("Your receipt – Grüße");
        Part alternative = partOfType(received, "multipart/alternative");
        List<Part> choices = parts(alternative).subList(1, parts(alternative).size());
        assertThat(choices)
                .extracting(p -> p.getContentType().split(";")[0].strip().toLowerCase())
                .containsExactly("text/plain", "text/html");
        assertThat(((String) choices.get(0).getContent()).strip()).isEqualTo("Thanks, Ada");
        assertThat(((String) choices.get(1).getContent()).strip()).isEqualTo("<p>Thanks, <b>Ada</b></p>");
    }

    @Test
    void anHtmlOnlyEmailArrivesAsHtml() throws Exception {
        Email email = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org")),
                null,
                null,
                null,
                "Welcome",
                null,
                "<h1>Hello</h1>",
                null,
                null,
                null,
                null);

        send(email);

        MimeMessage received = onlyMessage();
        assertThat(received.isMimeType("text/html")).isTrue();
        assertThat(((String) received.getContent()).strip()).isEqualTo("<h1>Hello</h1>");
    }

    @Test
    void ccRecipientsAreInTheHeaderAndReceiveTheMail() throws Exception {
        Email email = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org")),
                List.of(Recipient.of("grace@example.org"), Recipient.of("alan@example.org")),
                null,
                null,
                "Team update",
                "Hello team",
                null,
                null,
                null,
                null,
                null);

        send(email);

        assertThat(greenMail.getReceivedMessages()).hasSize(3);
        MimeMessage copy = messageFor("grace@example.org");
        assertThat(copy.getRecipients(Message.RecipientType.CC))
                .extracting(a -> ((InternetAddress) a).getAddress())
                .containsExactly("grace@example.org", "alan@example.org");
        assertThat(copy.getRecipients(Message.RecipientType.TO))
                .extracting(a -> ((InternetAddress) a).getAddress())
                .containsExactly("ada@example.org");
        messageFor("alan@example.org");
    }

    @Test
    void bccRecipientsReceiveTheMailButAreNotInTheHeaders() throws Exception {
        Email email = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org")),
                List.of(Recipient.of("grace@example.org")),
                List.of(new Recipient("hidden@example.net", "Hidden Person", "m-7")),
                null,
                "Quiet copy",
                "Hello",
                null,
                null,
                null,
                null,
                null);

        send(email);

        assertThat(greenMail.getReceivedMessages()).hasSize(3);
        MimeMessage bccCopy = messageFor("hidden@example.net");
        assertThat(bccCopy.getSubject()).isEqualTo("Quiet copy");
        for (MimeMessage received : greenMail.getReceivedMessages()) {
            assertThat(received.getHeader("Bcc")).isNull();
            assertThat(GreenMailUtil.getHeaders(received))
                    .doesNotContain("hidden@example.net")
                    .doesNotContain("Hidden Person");
        }
    }

    @Test
    void displayNamesAndReplyToAreKeptIncludingNonAsciiNames() throws Exception {
        Email email = new Email(
                new Address("app@example.com", "Zoë at Example"),
                List.of(new Recipient("ada@example.org", "Ada Lovelace", "member-1")),
                null,
                null,
                new Address("support@example.com", "Support, Example Inc."),
                "Hi",
                "Hello",
                null,
                null,
                null,
                null,
                null);

        send(email);

        MimeMessage received = onlyMessage();
        InternetAddress from = (InternetAddress) received.getFrom()[0];
        assertThat(from.getAddress()).isEqualTo("app@example.com");
        assertThat(from.getPersonal()).isEqualTo("Zoë at Example");
        InternetAddress to = (InternetAddress) received.getRecipients(Message.RecipientType.TO)[0];
        assertThat(to.getPersonal()).isEqualTo("Ada Lovelace");
        assertThat(received.getReplyTo()).hasSize(1);
        InternetAddress replyTo = (InternetAddress) received.getReplyTo()[0];
        assertThat(replyTo.getAddress()).isEqualTo("support@example.com");
        assertThat(replyTo.getPersonal()).isEqualTo("Support, Example Inc.");
    }

    @Test
    void customHeadersAndTheMailroomIdArriveAsHeaders() throws Exception {
        Email email = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org")),
                null,
                null,
                null,
                "Hi",
                "Hello",
                null,
                Map.of("X-Campaign", "spring-2030", "X-Greeting", "Grüße aus Köln"),
                null,
                null,
                null);
        OutboundEmail outbound = outbound(email);

        send(outbound);

        MimeMessage received = onlyMessage();
        assertThat(received.getHeader("X-Campaign", null)).isEqualTo("spring-2030");
        assertThat(MimeUtility.decodeText(received.getHeader("X-Greeting", null)))
                .isEqualTo("Grüße aus Köln");
        assertThat(received.getHeader("X-Mailroom-Id", null))
                .isEqualTo(outbound.messageId().toString());
    }

    @Test
    void aBulkEmailsUnsubscribeLinkArrivesAsTheOneClickHeadersAndOtherEmailsHaveNone() throws Exception {
        OutboundEmail plain = outbound(plain());
        send(new OutboundEmail(
                plain.messageId(), 1, plain.email(), "https://mail.example.com/unsubscribe/dGVzdA.c2ln"));

        MimeMessage received = onlyMessage();
        assertThat(received.getHeader("List-Unsubscribe", null))
                .isEqualTo("<https://mail.example.com/unsubscribe/dGVzdA.c2ln>");
        assertThat(received.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
    }

    @Test
    void anEmailWithoutALinkHasNoListUnsubscribeHeader() throws Exception {
        send(plain());

        assertThat(onlyMessage().getHeader("List-Unsubscribe")).isNull();
    }

    @Test
    void attachmentsArriveWithTheirFilenameContentTypeAndBytes() throws Exception {
        byte[] pdf = new byte[256];
        for (int i = 0; i < pdf.length; i++) {
            pdf[i] = (byte) i; // every byte value, so a lossy encoding would show
        }
        // LF line ends: a text attachment must not come out with CRLF, as 7bit text would.
        byte[] csv = "id,name\n1,Ada\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Email email = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org")),
                null,
                null,
                null,
                "Your invoice",
                "See attached",
                "<p>See attached</p>",
                null,
                null,
                null,
                List.of(
                        new Attachment(
                                "Rechnung März.pdf",
                                "application/pdf",
                                Base64.getMimeEncoder().encodeToString(pdf)),
                        new Attachment(
                                "members.csv", "text/csv", Base64.getEncoder().encodeToString(csv))));

        send(email);

        MimeMessage received = onlyMessage();
        assertThat(received.isMimeType("multipart/mixed")).isTrue();
        Part pdfPart = partOfType(received, "application/pdf");
        assertThat(MimeUtility.decodeText(pdfPart.getFileName())).isEqualTo("Rechnung März.pdf");
        assertThat(pdfPart.getDisposition()).isEqualToIgnoringCase(Part.ATTACHMENT);
        assertThat(pdfPart.getInputStream().readAllBytes()).isEqualTo(pdf);
        Part csvPart = partOfType(received, "text/csv");
        assertThat(csvPart.getFileName()).isEqualTo("members.csv");
        assertThat(((BodyPart) csvPart).getInputStream().readAllBytes()).isEqualTo(csv);
        // The body is still there next to the attachments.
        assertThat(((String) partOfType(received, "text/plain").getContent()).strip())
                .isEqualTo("See attached");
        assertThat(((String) partOfType(received, "text/html").getContent()).strip())
                .isEqualTo("<p>See attached</p>");
    }

    @Test
    void theProviderIdIsTheMessageIdTheRelayReceivedAndContainsTheMailroomId() throws Exception {
        OutboundEmail outbound = outbound(plain());

        DeliveryOutcome outcome = send(outbound);

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Accepted.class);
        String providerId = ((DeliveryOutcome.Accepted) outcome).providerMessageId();
        assertThat(onlyMessage().getMessageID()).isEqualTo(providerId);
        assertThat(providerId).isEqualTo("<" + outbound.messageId() + "@example.com>");
    }

    @Test
    void aRetryOfTheSameMessageKeepsTheSameMessageId() throws Exception {
        UUID id = UUID.randomUUID();

        DeliveryOutcome first = send(new OutboundEmail(id, 1, plain()));
        DeliveryOutcome second = send(new OutboundEmail(id, 2, plain()));

        assertThat(first).isEqualTo(second);
        assertThat(greenMail.getReceivedMessages())
                .extracting(MimeMessage::getMessageID)
                .containsExactly("<" + id + "@example.com>", "<" + id + "@example.com>");
    }
}
