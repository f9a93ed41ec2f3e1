package dev.mailroom.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mailroom.bench.report.BenchReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficAnalysisTest {

    @Test
    void latenciesAreCountedInTheirRangeWithEachBoundInTheUpperRange() {
        long[] micros = {0, 99_999, 100_000, 999_999, 1_000_000, 29_999_999, 30_000_000, 48_000_000};

        List<BenchReport.Bucket> buckets = TrafficAnalysis.distribution(micros);

        assertThat(buckets)
                .extracting(BenchReport.Bucket::range)
                .containsExactly(
                        "< 100 ms",
                        "100 ms - 250 ms",
                        "250 ms - 500 ms",
                        "500 ms - 1 s",
                        "1 s - 2 s",
                        "2 s - 5 s",
                        "5 s - 10 s",
                        "10 s - 30 s",
                        ">= 30 s");
        assertThat(buckets).extracting(BenchReport.Bucket::count).containsExactly(2L, 1L, 0L, 1L, 1L, 0L, 0L, 1L, 2L);
    }

    @Test
    void everyRangeIsListedWhenThereIsNoLatency() {
        assertThat(TrafficAnalysis.distribution(new long[0])).hasSize(9).allMatch(b -> b.count() == 0);
    }

    @Test
    void throughputIsTheCountOverTheSpanInSeconds() {
        assertThat(TrafficAnalysis.perSecond(20_000, 5_000_000, 25_000_000)).isEqualTo(1_000.0);
        assertThat(TrafficAnalysis.perSecond(10, 5_000_000, 5_000_000)).isZero();
        assertThat(TrafficAnalysis.perSecond(10, 6_000_000, 5_000_000)).isZero();
    }

    @Test
    void theBusiestSecondIsTheFirstWithTheMostAndEverySecondAboveTheAllowedCounts() {
        long[] perSecond = {0, 0, 150, 55, 150, 56, 10, 0, 0};

        TrafficAnalysis.SecondCounts counts = TrafficAnalysis.secondCounts(perSecond, 55.0);

        assertThat(counts.max()).isEqualTo(150);
        assertThat(counts.busiest()).isEqualTo(2);
        // 55 is allowed (not over); 56 is over, however little.
        assertThat(counts.over()).isEqualTo(3);
        // From the first second with a send (index 2) to the last (index 6): 421 sends over 5 seconds.
        assertThat(counts.meanWhileSending()).isCloseTo(84.2, within(1e-9));
    }

    @Test
    void noSendsAtAllHaveNoBusiestSecond() {
        TrafficAnalysis.SecondCounts counts = TrafficAnalysis.secondCounts(new long[] {0, 0}, 55.0);

        assertThat(counts.max()).isZero();
        assertThat(counts.busiest()).isEqualTo(-1);
        assertThat(counts.over()).isZero();
        assertThat(counts.meanWhileSending()).isZero();
    }
}
