package dev.mailroom.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CSV rules of the suppression list's import and export that need no server. */
class SuppressionsCsvTest {

    @Test
    void aValueASpreadsheetWouldRunIsMarkedAsTextAndComesBackAsItWas() {
        for (String value : List.of("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'=x", "''", "'plain")) {
            String written = SuppressionsCsv.safe(value);

            assertThat(written).as(value).startsWith("'");
            assertThat(SuppressionsCsv.unsafe(written)).as(value).isEqualTo(value);
        }
        assertThat(SuppressionsCsv.safe("ada@example.org")).isEqualTo("ada@example.org");
        assertThat(SuppressionsCsv.unsafe("'ada@example.org"))
                .as("an apostrophe before harmless text is the text's own")
                .isEqualTo("'ada@example.org");
    }

    @Test
    void aHeaderMayStartWithAByteOrderMarkAndNameColumnsInAnyOrderAndCase() {
        List<SuppressionsCsv.Row> rows =
                SuppressionsCsv.read(new StringReader("\uFEFFNote, Email\n\"a, b\",x@example.org\n"), 10);

        assertThat(rows).containsExactly(new SuppressionsCsv.Row(2, "x@example.org", null, "a, b"));
    }

    @Test
    void anUnknownColumnIsRefusedNamingIt() {
        assertThatThrownBy(() -> SuppressionsCsv.read(new StringReader("email,emial\nx@example.org,y\n"), 10))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("file")
                .hasMessageContaining("emial");
    }
}
