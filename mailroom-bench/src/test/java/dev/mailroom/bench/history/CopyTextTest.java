package dev.mailroom.bench.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CopyTextTest {

    @Test
    void writesColumnsInCopysTextFormatWithNullsAndEscapes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CopyText t = new CopyText(out);
        UUID id = UUID.fromString("0b7f4578-0598-4e13-aa33-de52b1ce47d0");
        t.uuid(id)
                .text("a\tb\\c\nd\re")
                .nul()
                .number(42)
                .bool(true)
                .text("Zoë Müller")
                .endRow();
        t.text(null).number(-7).endRow();
        t.flush();

        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("0b7f4578-0598-4e13-aa33-de52b1ce47d0\ta\\tb\\\\c\\nd\\re\t\\N\t42\tt\tZoë Müller\n"
                        + "\\N\t-7\n");
        assertThat(t.rows()).isEqualTo(2);
    }

    @Test
    void writesTimestampsInUtcToTheMicrosecondAsPostgresqlPrintsThem() {
        CopyText t = new CopyText(null);
        Instant at = Instant.parse("2026-12-07T04:39:20.065907Z");
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, at);
        t.time(micros).time(micros - 65907).time(Long.MIN_VALUE).time(-1).endRow();

        assertThat(new String(t.takeBytes(), StandardCharsets.UTF_8))
                .isEqualTo("2026-12-07 04:39:20.065907+00\t2026-12-07 04:39:20.000000+00\t\\N"
                        + "\t1969-12-31 23:59:59.999999+00\n");
    }

    @Test
    void escapesUtf8BytesLikeText() {
        CopyText t = new CopyText(null);
        t.utf8("{\"text\":\"a\\nb\"}".getBytes(StandardCharsets.UTF_8)).endRow();

        assertThat(new String(t.takeBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"text\":\"a\\\\nb\"}\n");
    }
}
