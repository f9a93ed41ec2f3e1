package dev.mailroom.server.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.LogSafe;
import org.junit.jupiter.api.Test;

/** Whatever a producer puts in an id, a type or a queue header, the dead-letter row can hold it. */
class DeadLetterValuesTest {

    @Test
    void aValueThatFitsIsKeptAsItIs() {
        assertThat(DeadLetters.fit("mailroom.mailbox", DeadLetters.QUEUE_COLUMN))
                .isEqualTo("mailroom.mailbox");
        assertThat(DeadLetters.fit(null, DeadLetters.QUEUE_COLUMN)).isNull();
    }

    @Test
    void aLongValueIsCutToItsColumnAndEndsWithAHashOfTheWhole() {
        String a = "x".repeat(250) + "a";
        String b = "x".repeat(250) + "b";

        String fittedA = DeadLetters.fit(a, DeadLetters.MESSAGE_ID_COLUMN);
        String fittedB = DeadLetters.fit(b, DeadLetters.MESSAGE_ID_COLUMN);

        assertThat(fittedA)
                .hasSize(DeadLetters.MESSAGE_ID_COLUMN)
                .startsWith("x".repeat(100))
                .matches(".*…[0-9a-f]{16}");
        assertThat(fittedA)
                .as("two ids that differ only past the column stay two ids")
                .isNotEqualTo(fittedB);
    }

    @Test
    void nulIsRemoved() {
        assertThat(DeadLetters.fit("a\0b", DeadLetters.TYPE_COLUMN)).isEqualTo("ab");
    }

    @Test
    void aCutNeverSplitsACharacterInTwo() {
        String emoji = "\uD83D\uDCE8";
        String fitted = DeadLetters.fit(emoji.repeat(100), DeadLetters.QUEUE_COLUMN);

        assertThat(fitted.length()).isLessThanOrEqualTo(DeadLetters.QUEUE_COLUMN);
        assertThat(fitted.codePoints().allMatch(c -> !Character.isSurrogate((char) c) || c > 0xFFFF))
                .isTrue();
        assertThat(Character.isHighSurrogate(fitted.charAt(fitted.indexOf('…') - 1)))
                .isFalse();
    }

    @Test
    void aLoggedValueCannotForgeALogLine() {
        assertThat(LogSafe.escape("poison\r\n2026-01-01 INFO all good")).doesNotContain("\r", "\n");
    }
}
