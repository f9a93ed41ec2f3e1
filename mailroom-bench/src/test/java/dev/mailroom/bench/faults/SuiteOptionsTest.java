package dev.mailroom.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SuiteOptionsTest {
    private static final Path TARGET = Path.of("/repo/mailroom-bench/target");

    @Test
    void defaultsRunEveryScenarioBesideTheBuiltJars() {
        SuiteOptions options = SuiteOptions.parse(new String[0], TARGET);

        assertThat(options.scenarios()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 14);
        assertThat(options.messages()).isNull();
        assertThat(options.kills()).isEqualTo(5);
        assertThat(options.databaseOutage()).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.mailroomJar()).isEqualTo(Path.of("/repo/mailroom-server/target/mailroom.jar"));
        assertThat(options.workDir()).isEqualTo(Path.of("/repo/mailroom-bench/target/faults"));
        assertThat(options.vhost()).isEqualTo("mailroom-faults");
        assertThat(options.database()).isEqualTo("mailroom_faults");
        assertThat(options.startupArchive()).isTrue();
        assertThat(SuiteOptions.parse(new String[] {"--no-startup-archive"}, TARGET)
                        .startupArchive())
                .isFalse();
    }

    @Test
    void choosesScenariosAndCountsInEitherSpelling() {
        SuiteOptions options =
                SuiteOptions.parse(new String[] {"--scenario", "5,1", "--messages=200", "--kills", "2"}, TARGET);

        assertThat(options.scenarios()).containsExactly(5, 1);
        assertThat(options.messages()).isEqualTo(200);
        assertThat(options.kills()).isEqualTo(2);
    }

    @Test
    void theClusterScenariosRunOnlyWhenAskedFor() {
        assertThat(SuiteOptions.parse(new String[] {"--cluster"}, TARGET).scenarios())
                .containsExactly(10, 11, 12, 13);
        assertThat(SuiteOptions.parse(new String[] {"--scenario", "12,10"}, TARGET)
                        .scenarios())
                .containsExactly(12, 10);
        assertThat(SuiteOptions.parse(new String[] {"--scenario", "1", "--cluster"}, TARGET)
                        .scenarios())
                .containsExactly(1, 10, 11, 12, 13);
    }

    @Test
    void refusesWhatItDoesNotKnow() {
        assertThatThrownBy(() -> SuiteOptions.parse(new String[] {"--scenario", "15"}, TARGET))
                .hasMessageContaining("no scenario 15");
        assertThatThrownBy(() -> SuiteOptions.parse(new String[] {"--scenario", "x"}, TARGET))
                .hasMessageContaining("'x'");
        assertThatThrownBy(() -> SuiteOptions.parse(new String[] {"--mesages", "5"}, TARGET))
                .hasMessageContaining("mesages");
        assertThatThrownBy(() -> SuiteOptions.parse(new String[] {"--kills", "0"}, TARGET))
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> SuiteOptions.parse(new String[] {"--messages"}, TARGET))
                .hasMessageContaining("needs a value");
    }
}
