package dev.mailroom.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.bench.report.BenchReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficVerdictsTest {
    private static final BenchOptions FAIRNESS = BenchOptions.parse(new String[] {"--mode", "fairness"});
    private static final BenchOptions QUOTA = BenchOptions.parse(new String[] {"--mode", "quota"});

    @Test
    void bIsServedFairlyWhenItsP99IsUnderASecondAndAKeepsNinetyPercentOfItsThroughput() {
        List<BenchReport.Target> targets = TrafficVerdicts.fairness(FAIRNESS, fairness(999.9, 900, 1000, 0.9));

        assertThat(targets).extracting(BenchReport.Target::verdict).containsExactly("met", "met");
    }

    @Test
    void aSecondAtP99OrALossOfMoreThanTenPercentIsNotMet() {
        List<BenchReport.Target> targets = TrafficVerdicts.fairness(FAIRNESS, fairness(1000.0, 899, 1000, 0.9));

        assertThat(targets).extracting(BenchReport.Target::verdict).containsExactly("not met", "not met");
    }

    @Test
    void anEmailOfBNeverDispatchedFailsTheLatencyTargetWhateverThePercentiles() {
        BenchReport.Fairness f = fairness(10, 1000, 1000, 0.9);
        BenchReport.Fairness missingOne = new BenchReport.Fairness(
                f.organizationA(),
                f.organizationB(),
                5,
                f.withB(),
                f.alone(),
                f.bConfirmed() + 1,
                f.bDispatched(),
                0,
                null,
                0,
                f.bAnswered(),
                f.bLatency(),
                f.bLatencyRecorded(),
                f.bDistribution(),
                f.aThroughputRatio());

        assertThat(TrafficVerdicts.fairness(FAIRNESS, missingOne).get(0).verdict())
                .startsWith("not met (1 of B's emails never dispatched");
    }

    @Test
    void theQuotaHoldsUpToTenPercentOverTheLimitInTheBusiestSecond() {
        assertThat(TrafficVerdicts.quota(QUOTA, quota(55, 500)).get(0).verdict())
                .isEqualTo("met");
        assertThat(TrafficVerdicts.quota(QUOTA, quota(56, 500)).get(0).verdict())
                .isEqualTo("not met");
    }

    @Test
    void aLoadOfferedBelowTheLimitDoesNotTestTheQuota() {
        assertThat(TrafficVerdicts.quota(QUOTA, quota(40, 40)).get(0).verdict())
                .startsWith("not tested (offered only 40/s");
    }

    private static BenchReport.Fairness fairness(double bP99, double aWithB, double aAlone, double share) {
        BenchReport.Latency b = new BenchReport.Latency("B", 100, 20, 50, bP99, bP99 + 1);
        BenchReport.Latency a = new BenchReport.Latency("A", 20_000, 5_000, 9_000, 9_900, 10_000);
        double ratio = aWithB / aAlone;
        return new BenchReport.Fairness(
                "bench-1",
                "bench-2",
                5,
                new BenchReport.FairnessRun("with B", 20_000, 0, 4, 20_000, 20_000 / aWithB, aWithB, true, a),
                new BenchReport.FairnessRun("A alone", 20_000, 0, 4, 20_000, 20_000 / aAlone, aAlone, true, a),
                100,
                100,
                0,
                null,
                3,
                b,
                b,
                b,
                TrafficAnalysis.distribution(new long[0]),
                ratio >= share ? ratio : ratio);
    }

    private static BenchReport.Quota quota(long max, double offered) {
        return new BenchReport.Quota(
                50,
                3,
                55.0,
                3_000,
                offered,
                3_000,
                max,
                "2026-12-06T12:00:00Z",
                70,
                max > 55 ? 1 : 0,
                49.0,
                0,
                true,
                List.of());
    }
}
