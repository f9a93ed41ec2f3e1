package dev.mailroom.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.bench.report.BenchReport;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankOverMicrosecondsReportedInMilliseconds() {
        long[] micros = LongStream.rangeClosed(1, 100).map(i -> i * 1_000).toArray();
        BenchReport.Latency latency = Percentiles.of("step", micros);
        assertThat(latency.count()).isEqualTo(100);
        assertThat(latency.p50()).isEqualTo(50.0);
        assertThat(latency.p95()).isEqualTo(95.0);
        assertThat(latency.p99()).isEqualTo(99.0);
        assertThat(latency.max()).isEqualTo(100.0);
    }

    @Test
    void noValuesIsMarkedUnmeasured() {
        assertThat(Percentiles.of("step", new long[0]).p99()).isEqualTo(-1);
    }
}
