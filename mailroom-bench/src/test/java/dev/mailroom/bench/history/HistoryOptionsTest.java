package dev.mailroom.bench.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryOptionsTest {

    @Test
    void defaultsToAMillionEmailsOverNinetyDaysInTenOrganizationsReadByFour() {
        HistoryOptions o = HistoryOptions.parse(new String[0]);

        assertThat(o.emails()).isEqualTo(1_000_000);
        assertThat(o.days()).isEqualTo(90);
        assertThat(o.organizations()).isEqualTo(10);
        assertThat(o.readers()).isEqualTo(4);
        assertThat(o.measure()).isTrue();
        assertThat(o.explain()).isTrue();
        assertThat(o.jdbcUrl()).endsWith("/mailroom_history");
        assertThat(o.infrastructure().broker().vhost()).isEqualTo("mailroom-history");
    }

    @Test
    void takesTenMillionWrittenWithUnderscoresAndRefusesWhatItDoesNotKnow() {
        assertThat(HistoryOptions.parse(new String[] {"--emails", "10_000_000", "--no-measure"}))
                .satisfies(o -> {
                    assertThat(o.emails()).isEqualTo(10_000_000);
                    assertThat(o.measure()).isFalse();
                });
        assertThatThrownBy(() -> HistoryOptions.parse(new String[] {"--emials", "5"}))
                .hasMessageContaining("--emials");
        assertThatThrownBy(() -> HistoryOptions.parse(new String[] {"--emails", "10"}))
                .hasMessageContaining("--emails");
        assertThatThrownBy(() -> HistoryOptions.parse(new String[] {"--jdbc-url", "jdbc:h2:mem:x"}))
                .hasMessageContaining("PostgreSQL");
    }

    @Test
    void theReportGivesTheCommandLineAsAShellTakesItAgain() {
        assertThat(HistoryRun.commandLine(List.of("--emails", "1000", "--label", "it's a test")))
                .isEqualTo("java -jar mailroom-bench.jar history --emails 1000 --label 'it'\\''s a test'");
    }

    @Test
    void theSchemaToResetIsTheOneTheUrlNames() {
        assertThat(HistoryRun.schemaOf("jdbc:postgresql://h/db")).isEqualTo("public");
        assertThat(HistoryRun.schemaOf("jdbc:postgresql://h/db?ssl=false&currentSchema=history_x"))
                .isEqualTo("history_x");
    }
}
