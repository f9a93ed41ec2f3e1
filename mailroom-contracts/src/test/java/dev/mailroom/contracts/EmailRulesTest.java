package dev.mailroom.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmailRulesTest {

    private static Email email(String to, String subject, Map<String, String> headers) {
        return new Email(Address.of("app@example.com"), List.of(Recipient.of(to)), null, null, null,
                subject, "hello", null, headers, null, null, null);
    }

    @Test
    void aPlainEmailPasses() {
        assertThat(EmailRules.check(email("ada@example.org", "Hi", Map.of("X-Campaign", "w1")))).isEmpty();
    }

    @Test
    void anInvalidAddressIsNamedWithItsField() {
        assertThat(EmailRules.check(email("not-an-address", "Hi", Map.of())))
                .extracting(Violation::field).containsExactly("to[0].email");
    }

    @Test
    void lineBreaksInHeadersAndSubjectAreRefused() {
        assertThat(EmailRules.check(email("ada@example.org", "Hi\r\nBcc: victim@example.com", Map.of())))
                .extracting(Violation::field).containsExactly("subject");
        assertThat(EmailRules.check(email("ada@example.org", "Hi", Map.of("X-Evil", "a\nBcc: x@example.com"))))
                .extracting(Violation::field).containsExactly("headers.X-Evil");
        assertThat(EmailRules.check(email("ada@example.org\r\nBcc: x@example.com", "Hi", Map.of())))
                .extracting(Violation::field).contains("to[0].email");
    }

    @Test
    void reservedHeadersAreRefused() {
        assertThat(EmailRules.check(email("ada@example.org", "Hi", Map.of("Bcc", "x@example.com"))))
                .extracting(Violation::field).containsExactly("headers.Bcc");
    }

    @Test
    void anEmailNeedsARecipientAndABody() {
        Email empty = new Email(Address.of("app@example.com"), null, null, null, null, "Hi", null, null, null, null, null, null);
        assertThat(EmailRules.check(empty)).extracting(Violation::field).containsExactlyInAnyOrder("to", "text");
    }

    @Test
    void tooManyRecipientsAreRefused() {
        List<Recipient> many = Collections.nCopies(EmailRules.MAX_RECIPIENTS + 1, Recipient.of("a@example.org"));
        Email email = new Email(Address.of("app@example.com"), many, null, null, null, "Hi", "x", null, null, null, null, null);
        assertThat(EmailRules.check(email)).extracting(Violation::field).containsExactly("to");
    }

    @Test
    void badBase64AttachmentIsRefused() {
        Email email = new Email(Address.of("app@example.com"), List.of(Recipient.of("a@example.org")), null, null, null, "Hi", "x", null,
                null, null, null, List.of(new Attachment("a.txt", "text/plain", "%%%")));
        assertThat(EmailRules.check(email)).extracting(Violation::field).containsExactly("attachments[0].content");
    }
}
