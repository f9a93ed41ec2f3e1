package dev.mailroom.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmailRulesTest {

    private static Email email(String to, String subject, Map<String, String> headers) {
        return new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of(to)),
                null,
                null,
                null,
                subject,
                "hello",
                null,
                headers,
                null,
                null,
                null);
    }

    @Test
    void aPlainEmailPasses() {
        assertThat(EmailRules.check(email("ada@example.org", "Hi", Map.of("X-Campaign", "w1"))))
                .isEmpty();
    }

    @Test
    void anInvalidAddressIsNamedWithItsField() {
        assertThat(EmailRules.check(email("not-an-address", "Hi", Map.of())))
                .extracting(Violation::field)
                .containsExactly("to[0].email");
    }

    @Test
    void lineBreaksInHeadersAndSubjectAreRefused() {
        assertThat(EmailRules.check(email("ada@example.org", "Hi\r\nBcc: victim@example.com", Map.of())))
                .extracting(Violation::field)
                .containsExactly("subject");
        assertThat(EmailRules.check(email("ada@example.org", "Hi", Map.of("X-Evil", "a\nBcc: x@example.com"))))
                .extracting(Violation::field)
                .containsExactly("headers.X-Evil");
        assertThat(EmailRules.check(email("ada@example.org\r\nBcc: x@example.com", "Hi", Map.of())))
                .extracting(Violation::field)
                .contains("to[0].email");
    }

    @Test
    void reservedHeadersAreRefused() {
        assertThat(EmailRules.check(email("ada@example.org", "Hi", Map.of("Bcc", "x@example.com"))))
                .extracting(Violation::field)
                .containsExactly("headers.Bcc");
    }

    @Test
    void aBulkEmailWithOneRecipientInToPasses() {
        Email bulk = bulk(List.of(Recipient.of("ada@example.org")), null, null);
        assertThat(bulk.bulkMail()).isTrue();
        assertThat(EmailRules.check(bulk)).isEmpty();
    }

    @Test
    void aBulkEmailToSeveralRecipientsOrWithCcOrBccIsRefusedNamingBulk() {
        List<Recipient> two = List.of(Recipient.of("ada@example.org"), Recipient.of("grace@example.org"));
        List<Recipient> one = List.of(Recipient.of("grace@example.org"));
        assertThat(fields(bulk(two, null, null))).containsExactly("bulk");
        assertThat(fields(bulk(List.of(Recipient.of("ada@example.org")), one, null)))
                .containsExactly("bulk");
        assertThat(fields(bulk(List.of(Recipient.of("ada@example.org")), null, one)))
                .containsExactly("bulk");
        assertThat(fields(bulk(null, null, one))).containsExactly("bulk");
    }

    @Test
    void theSameRecipientsAreFineWhenTheEmailIsNotBulk() {
        List<Recipient> two = List.of(Recipient.of("ada@example.org"), Recipient.of("grace@example.org"));
        Email notBulk = bulk(two, null, null).withRecipients(two, List.of(), List.of());
        assertThat(notBulk.bulkMail()).as("withRecipients keeps bulk").isTrue();
        Email plain = new Email(
                Address.of("app@example.com"), two, null, null, null, "Hi", "hello", null, null, null, null, null);
        assertThat(plain.bulk()).isNull();
        assertThat(plain.bulkMail()).isFalse();
        assertThat(EmailRules.check(plain)).isEmpty();
    }

    private static Email bulk(List<Recipient> to, List<Recipient> cc, List<Recipient> bcc) {
        return new Email(
                Address.of("app@example.com"), to, cc, bcc, null, "News", "hello", null, null, null, null, null, true);
    }

    @Test
    void anEmailNeedsARecipientAndABody() {
        Email empty = new Email(
                Address.of("app@example.com"), null, null, null, null, "Hi", null, null, null, null, null, null);
        assertThat(EmailRules.check(empty)).extracting(Violation::field).containsExactlyInAnyOrder("to", "text");
    }

    @Test
    void tooManyRecipientsAreRefused() {
        List<Recipient> many = Collections.nCopies(EmailRules.MAX_RECIPIENTS + 1, Recipient.of("a@example.org"));
        Email email = new Email(
                Address.of("app@example.com"), many, null, null, null, "Hi", "x", null, null, null, null, null);
        assertThat(EmailRules.check(email)).extracting(Violation::field).containsExactly("to");
    }

    @Test
    void badBase64AttachmentIsRefused() {
        Email email = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("a@example.org")),
                null,
                null,
                null,
                "Hi",
                "x",
                null,
                null,
                null,
                null,
                List.of(new Attachment("a.txt", "text/plain", "%%%")));
        assertThat(EmailRules.check(email)).extracting(Violation::field).containsExactly("attachments[0].content");
    }

    private static Email withExtras(
            Map<String, String> headers,
            List<String> tags,
            Map<String, String> metadata,
            List<Attachment> attachments) {
        return new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org")),
                null,
                null,
                null,
                "Hi",
                "hello",
                null,
                headers,
                tags,
                metadata,
                attachments);
    }

    private static List<String> fields(Email email) {
        return EmailRules.check(email).stream().map(Violation::field).toList();
    }

    @Test
    void theGoldenSubmissionPassesTheRules() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/golden/submit.v1.json")) {
            SubmitMessage golden = ContractJson.read(in.readAllBytes(), SubmitMessage.class);
            assertThat(EmailRules.check(golden.email())).isEmpty();
            assertThat(EmailRules.check(golden, golden.submittedAt(), EmailRules.DEFAULT_MAX_SCHEDULE_AHEAD))
                    .isEmpty();
        }
    }

    @Test
    void headersThatMailroomMimeOrAProviderControlsAreRefusedWhateverTheirCase() {
        List<String> reserved = List.of(
                "DKIM-Signature",
                "dkim-signature",
                "Received",
                "RECEIVED",
                "Resent-From",
                "resent-message-id",
                "Content-Type",
                "Content-Disposition",
                "content-id",
                "Content-Transfer-Encoding",
                "X-SES-CONFIGURATION-SET",
                "x-ses-message-tags",
                "X-Mailgun-Variables",
                "X-Mailgun-Tag",
                "X-SMTPAPI",
                "x-smtpapi",
                "X-PM-Message-Stream",
                "X-PM-Tag",
                "X-Mailroom-Id",
                "X-Mailroom-Anything",
                "Return-Path",
                "Sender",
                "Message-ID",
                "MIME-Version",
                "ARC-Seal",
                "Authentication-Results",
                "List-Unsubscribe",
                "list-unsubscribe-post");
        for (String name : reserved) {
            assertThat(fields(withExtras(Map.of(name, "x"), null, null, null)))
                    .as(name)
                    .containsExactly("headers." + name);
        }
        assertThat(fields(withExtras(
                        Map.of(
                                "X-Campaign",
                                "w1",
                                "List-Id",
                                "<news.example.com>",
                                "X-Sesame",
                                "open",
                                "In-Reply-To",
                                "<a@example.com>"),
                        null,
                        null,
                        null)))
                .isEmpty();
    }

    @Test
    void headerNamesMustBeRfc5322FieldNamesAndValuesOneLineOfText() {
        assertThat(fields(withExtras(Map.of("X Space", "x"), null, null, null))).containsExactly("headers.X Space");
        assertThat(fields(withExtras(Map.of("X-Colon:", "x"), null, null, null)))
                .containsExactly("headers.X-Colon:");
        assertThat(fields(withExtras(Map.of("X-\u00e9t\u00e9", "x"), null, null, null)))
                .hasSize(1);
        assertThat(fields(withExtras(Map.of("X-Nul\0", "x"), null, null, null))).containsExactly("headers.X-Nul\\0");
        assertThat(fields(withExtras(Map.of("X-" + "a".repeat(75), "x"), null, null, null)))
                .hasSize(1);
        assertThat(fields(withExtras(Map.of("X-A", "a\0b"), null, null, null))).containsExactly("headers.X-A");
        assertThat(fields(withExtras(Map.of("X-A", "a\u000bb"), null, null, null)))
                .containsExactly("headers.X-A");
        assertThat(fields(withExtras(Map.of("X-A", "a\rb"), null, null, null))).containsExactly("headers.X-A");
        assertThat(fields(withExtras(
                        Map.of("X-A", "x".repeat(EmailRules.MAX_HEADER_VALUE_LENGTH + 1)), null, null, null)))
                .containsExactly("headers.X-A");
        assertThat(fields(withExtras(Map.of("X-A", "tab\tand \u00fcnicode"), null, null, null)))
                .isEmpty();
    }

    @Test
    void aHeaderGivenTwiceInDifferentCaseIsRefused() {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("X-Campaign", "a");
        headers.put("x-campaign", "b");
        assertThat(fields(withExtras(headers, null, null, null))).containsExactly("headers.x-campaign");
    }

    @Test
    void nullElementsAreNamedNotThrown() {
        Map<String, String> headers = new java.util.HashMap<>();
        headers.put("X-A", null);
        Map<String, String> metadata = new java.util.HashMap<>();
        metadata.put("plan", null);
        List<String> tags = new java.util.ArrayList<>();
        tags.add(null);
        List<Attachment> attachments = new java.util.ArrayList<>();
        attachments.add(null);
        List<Recipient> to = new java.util.ArrayList<>();
        to.add(null);

        Email email = new Email(
                Address.of("app@example.com"),
                to,
                null,
                null,
                null,
                "Hi",
                "x",
                null,
                headers,
                tags,
                metadata,
                attachments);

        assertThat(fields(email))
                .containsExactlyInAnyOrder("to[0]", "headers.X-A", "tags[0]", "metadata.plan", "attachments[0]");
    }

    @Test
    void countsOfHeadersTagsMetadataAndAttachmentsAreCapped() {
        Map<String, String> headers = new java.util.HashMap<>();
        Map<String, String> metadata = new java.util.HashMap<>();
        for (int i = 0; i <= EmailRules.MAX_HEADERS; i++) {
            headers.put("X-H" + i, "v");
        }
        for (int i = 0; i <= EmailRules.MAX_METADATA_ENTRIES; i++) {
            metadata.put("k" + i, "v");
        }
        List<String> tags = Collections.nCopies(EmailRules.MAX_TAGS + 1, "t");
        List<Attachment> attachments =
                Collections.nCopies(EmailRules.MAX_ATTACHMENTS + 1, new Attachment("a.txt", "text/plain", "aGk="));

        assertThat(fields(withExtras(headers, null, null, null))).containsExactly("headers");
        assertThat(fields(withExtras(null, tags, null, null))).containsExactly("tags");
        assertThat(fields(withExtras(null, null, metadata, null))).containsExactly("metadata");
        assertThat(fields(withExtras(null, null, null, attachments))).containsExactly("attachments");
        assertThat(fields(withExtras(
                        null,
                        Collections.nCopies(EmailRules.MAX_TAGS, "t"),
                        null,
                        Collections.nCopies(
                                EmailRules.MAX_ATTACHMENTS, new Attachment("a.txt", "text/plain", "aGk=")))))
                .isEmpty();
    }

    @Test
    void metadataKeysValuesAndTotalSizeAreCapped() {
        assertThat(fields(withExtras(
                        null, null, Map.of("k".repeat(EmailRules.MAX_METADATA_KEY_LENGTH + 1), "v"), null)))
                .singleElement()
                .asString()
                .startsWith("metadata.kkk");
        assertThat(fields(withExtras(
                        null, null, Map.of("foo", "v".repeat(EmailRules.MAX_METADATA_VALUE_LENGTH + 1)), null)))
                .containsExactly("metadata.foo");
        assertThat(fields(withExtras(null, null, Map.of("foo", "a\0b"), null))).containsExactly("metadata.foo");
        assertThat(fields(withExtras(null, null, Map.of("fo\no", "v"), null))).containsExactly("metadata.fo\\no");
        Map<String, String> big = new java.util.HashMap<>();
        for (int i = 0; i < 11; i++) {
            big.put("k" + i, "v".repeat(EmailRules.MAX_METADATA_VALUE_LENGTH));
        }
        assertThat(fields(withExtras(null, null, big, null))).containsExactly("metadata");
    }

    @Test
    void attachmentsAreCheckedOneByOne() {
        String tooBig =
                java.util.Base64.getEncoder().encodeToString(new byte[(int) EmailRules.MAX_ATTACHMENT_BYTES + 3]);
        List<Attachment> attachments = List.of(
                new Attachment("ok.txt", "text/plain; charset=utf-8", "aGk="),
                new Attachment("big.bin", "application/octet-stream", tooBig),
                new Attachment("../../etc/passwd", "text/plain", "aGk="),
                new Attachment("a\r\nb.txt", "text/plain", "aGk="),
                new Attachment("f".repeat(EmailRules.MAX_FILENAME_LENGTH + 1), "text/plain", "aGk="),
                new Attachment("x.txt", "text/plain\r\nBcc: v@example.com", "aGk="),
                new Attachment("y.txt", "not a type", "aGk="),
                new Attachment("z.txt", "text/" + "p".repeat(300), "aGk="));

        assertThat(fields(withExtras(null, null, null, attachments)))
                .containsExactlyInAnyOrder(
                        "attachments[1].content",
                        "attachments",
                        "attachments[2].filename",
                        "attachments[3].filename",
                        "attachments[4].filename",
                        "attachments[5].contentType",
                        "attachments[6].contentType",
                        "attachments[7].contentType");
    }

    @Test
    void aHugeBase64TextIsRefusedBeforeItIsDecoded() {
        String huge = "A".repeat((int) (EmailRules.MAX_ATTACHMENT_BYTES * 2));
        assertThat(fields(withExtras(null, null, null, List.of(new Attachment("a.bin", null, huge)))))
                .contains("attachments[0].content");
    }

    @Test
    void nulInTextOrHtmlIsRefused() {
        Email email = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("a@example.org")),
                null,
                null,
                null,
                "Hi",
                "a\0b",
                "<p>\0</p>",
                null,
                null,
                null,
                null);
        assertThat(fields(email)).containsExactlyInAnyOrder("text", "html");
    }

    @Test
    void anOverLongAddressIsQuotedShortInItsMessage() {
        String address = "a".repeat(100_000) + "@example.org";
        Violation violation = EmailRules.check(email(address, "Hi", Map.of())).get(0);
        assertThat(violation.field()).isEqualTo("to[0].email");
        assertThat(violation.message()).hasSizeLessThan(300);
    }

    @Test
    void sendAtInThePastOrWithinTheHorizonIsAccepted() {
        Instant now = Instant.parse("2026-12-06T03:00:00Z");
        assertThat(EmailRules.checkSendAt(null, now)).isEmpty();
        assertThat(EmailRules.checkSendAt(now.minusSeconds(3600), now)).isEmpty();
        assertThat(EmailRules.checkSendAt(Instant.parse("0001-01-01T00:00:00Z"), now))
                .isEmpty();
        assertThat(EmailRules.checkSendAt(now.plus(Duration.ofDays(365)), now)).isEmpty();
    }

    @Test
    void sendAtBeyondTheHorizonOrOutsideWhatCanBeStoredIsRefused() {
        Instant now = Instant.parse("2026-12-06T03:00:00Z");
        assertThat(EmailRules.checkSendAt(now.plus(Duration.ofDays(365)).plusSeconds(1), now))
                .extracting(Violation::field)
                .containsExactly("sendAt");
        assertThat(EmailRules.checkSendAt(now.plus(Duration.ofDays(2)), now, Duration.ofDays(1)))
                .extracting(Violation::field)
                .containsExactly("sendAt");
        assertThat(EmailRules.checkSendAt(Instant.MAX, now))
                .extracting(Violation::field)
                .containsExactly("sendAt");
        assertThat(EmailRules.checkSendAt(Instant.MIN, now))
                .extracting(Violation::field)
                .containsExactly("sendAt");
        assertThat(EmailRules.checkSendAt(Instant.parse("-0001-12-31T23:59:59Z"), now))
                .extracting(Violation::field)
                .containsExactly("sendAt");
    }

    @Test
    void aHorizonTooLargeToAddIsClampedToWhatCanBeStored() {
        Instant now = Instant.parse("2026-12-06T03:00:00Z");
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE);

        assertThat(EmailRules.checkSendAt(Instant.parse("9999-01-01T00:00:00Z"), now, forever))
                .isEmpty();
        assertThat(EmailRules.checkSendAt(Instant.parse("+10000-01-01T00:00:00Z"), now, forever))
                .extracting(Violation::field)
                .containsExactly("sendAt");
        assertThat(EmailRules.checkSendAt(Instant.MAX, Instant.MAX, forever))
                .extracting(Violation::field)
                .containsExactly("sendAt");
    }

    @Test
    void aSubmissionIsCheckedWithItsTimes() {
        Instant now = Instant.parse("2026-12-06T03:00:00Z");
        Email ok = email("ada@example.org", "Hi", Map.of());
        SubmitMessage far = new SubmitMessage(
                java.util.UUID.randomUUID(), "default", now, ok, Instant.parse("+1000000000-01-01T00:00:00Z"), null);
        SubmitMessage oddlySubmitted =
                new SubmitMessage(java.util.UUID.randomUUID(), "default", Instant.MIN, ok, null, null);

        assertThat(EmailRules.check(far, now, EmailRules.DEFAULT_MAX_SCHEDULE_AHEAD))
                .extracting(Violation::field)
                .containsExactly("sendAt");
        assertThat(EmailRules.check(oddlySubmitted, now, EmailRules.DEFAULT_MAX_SCHEDULE_AHEAD))
                .extracting(Violation::field)
                .containsExactly("submittedAt");
    }
}
