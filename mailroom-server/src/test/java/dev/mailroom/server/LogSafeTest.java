package dev.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogSafeTest {
    @Test
    void lineBreaksCannotStartALineOfTheirOwn() {
        assertThat(LogSafe.escape("topic\r\n2026-12-06 INFO forged"))
                .isEqualTo("topic\\r\\n2026-12-06 INFO forged")
                .doesNotContain("\n", "\r");
    }

    @Test
    void otherControlCharactersAndUnicodeLineSeparatorsAreEscaped() {
        assertThat(LogSafe.escape("a\u0000b\u001bc\u0085d\u2028e\u2029f\tg"))
                .isEqualTo("a\\u0000b\\u001bc\\u0085d\\u2028e\\u2029f\\tg");
    }

    @Test
    void plainTextIsUnchangedAndNullIsWrittenAsNull() {
        assertThat(LogSafe.escape("SNS topic arn:aws:sns:us-east-1:1:x is not allowed"))
                .isEqualTo("SNS topic arn:aws:sns:us-east-1:1:x is not allowed");
        assertThat(LogSafe.escape(null)).isEqualTo("null");
    }

    @Test
    void longTextIsCutAndSaysHowLongItWas() {
        String escaped = LogSafe.escape("x".repeat(10_000));

        assertThat(escaped)
                .startsWith("x".repeat(LogSafe.MAX_CHARS))
                .endsWith("…(10000 chars)")
                .hasSize(LogSafe.MAX_CHARS + 14);
    }
}
