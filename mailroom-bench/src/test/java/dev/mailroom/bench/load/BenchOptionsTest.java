package dev.mailroom.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

    @Test
    void defaultsAreABoundedSplitRunAt500PerSecondForThirtySeconds() {
        BenchOptions o = BenchOptions.parse(new String[0]);
        assertThat(o.setup()).isEqualTo(BenchOptions.Setup.SPLIT);
        assertThat(o.rate()).isEqualTo(500);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.count()).isEqualTo(15_000);
        assertThat(o.jdbcUrl()).contains("mailroom_bench");
    }

    @Test
    void maxRateIsBoundedByTheCountCapAndTheDuration() {
        BenchOptions o = BenchOptions.parse(new String[] {"--rate", "max", "--duration=20"});
        assertThat(o.asFastAsPossible()).isTrue();
        assertThat(o.count()).isEqualTo(BenchOptions.COUNT_CAP);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void repeatedServerArgsAreAllKept() {
        BenchOptions o = BenchOptions.parse(new String[] {
            "--server-arg=--mailroom.operator.batch-size=500",
            "--server-arg",
            "--mailroom.dispatcher.concurrency=64",
            "--profile"
        });
        assertThat(o.serverArgs())
                .containsExactly("--mailroom.operator.batch-size=500", "--mailroom.dispatcher.concurrency=64");
        assertThat(o.profile()).isTrue();
    }

    @Test
    void aMisspeltOptionIsAnErrorNotIgnored() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--rtae", "100"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--rtae");
    }

    @Test
    void aRunningMailroomWithTheSendGridFakeNeedsToKnowWhereTheFakeIs() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--setup", "running"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--fake-port");
    }

    @Test
    void aRunningMailroomFedOverAmqpNeedsTheKeyThatSignsTheMailboxMessages() {
        assertThatThrownBy(() -> BenchOptions.parse(
                        new String[] {"--setup", "running", "--provider", "sandbox", "--submit", "amqp"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--api-key");
    }

    @Test
    void watchedProcessesAreNamedPidsWithAnOptionalMetricsUrl() {
        BenchOptions o =
                BenchOptions.parse(new String[] {"--watch", "api=1234=http://127.0.0.1:8080", "--watch=operator=99"});
        assertThat(o.watch()).containsExactly("api=1234=http://127.0.0.1:8080", "operator=99");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--watch", "api"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unboundedRunsAreRefused() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--duration", "7200"}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
