package dev.mailroom.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A queue message beyond the read limits is a poison message ({@link MalformedMessageException},
 * dead-lettered by its consumer) and never costs the reader its memory or a retry loop; the largest
 * valid message still reads.
 */
class ContractJsonLimitsTest {
    private static final String ID = "\"id\":\"0b6f4c3e-6a43-4c8e-9f0e-2f1b8f0b9a11\"";

    @Test
    void aDeeplyNestedMessageIsMalformed() {
        // Deeper than the limit, shallower than Jackson's default (500): the limit is what refuses it.
        String nested = "[".repeat(100) + "]".repeat(100);
        byte[] body = ("{" + ID + ",\"extra\":" + nested + "}").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ContractJson.read(body, SubmitMessage.class))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("nesting depth");
    }

    @Test
    void anOverLongStringIsMalformed() {
        String subject = "a".repeat(ContractJson.READ_CONSTRAINTS.getMaxStringLength() + 1);
        byte[] body = ("{" + ID + ",\"email\":{\"subject\":\"" + subject + "\"}}").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ContractJson.read(body, SubmitMessage.class))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("String value length");
    }

    @Test
    void aNumberOfHundredsOfDigitsIsMalformed() {
        byte[] body = ("{\"messageId\":\"0b6f4c3e-6a43-4c8e-9f0e-2f1b8f0b9a11\",\"attempt\":" + "9".repeat(200) + "}")
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ContractJson.read(body, DispatchCommand.class))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("Number value length");
    }

    @Test
    void theLargestValidSubmissionStillReads() {
        String content = Base64.getEncoder().encodeToString(new byte[(int) EmailRules.MAX_CONTENT_BYTES - 100]);
        Email email = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org")),
                null,
                null,
                null,
                "Hi",
                "x",
                null,
                null,
                null,
                null,
                List.of(new Attachment("big.bin", "application/octet-stream", content)));
        byte[] body =
                ContractJson.write(new SubmitMessage(java.util.UUID.randomUUID(), "default", null, email, null, null));

        SubmitMessage read = ContractJson.read(body, SubmitMessage.class);

        assertThat(EmailRules.check(read.email())).isEmpty();
        assertThat(read.email().attachments().get(0).content()).hasSize(content.length());
    }
}
