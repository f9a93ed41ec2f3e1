package dev.mailroom.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.bench.report.BenchReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerdictsTest {
    private static final String PEAK = "heap <= 512 MB per process";
    private static final String GROWTH = "no heap growth over a 10-minute run (per process)";

    private final Verdicts verdicts = new Verdicts(BenchOptions.parse(new String[] {"--heap", "512m"}));

    @Test
    void aHeapFloorThatGrowsOverATenMinuteLoadIsNotMet() {
        List<BenchReport.Target> targets = verdicts.of(
                null,
                ingest(600.2),
                List.of(
                        jvm("operator", 400, 100, 140), // limit 100 + 32 = 132
                        jvm("dispatcher", 300, 80, 85),
                        other("rabbitmq")),
                null);

        assertThat(target(targets, PEAK).verdict()).isEqualTo("met");
        BenchReport.Target growth = target(targets, GROWTH);
        assertThat(growth.verdict()).isEqualTo("not met");
        assertThat(growth.measured())
                .contains("600 s load")
                .contains("operator 100.0 -> 140.0 MiB (limit 132.0)")
                .contains("dispatcher 80.0 -> 85.0 MiB (limit 112.0)")
                .doesNotContain("rabbitmq");
    }

    @Test
    void aFlatHeapFloorIsMetAndBigHeapsMayGrowByTwentyPercent() {
        List<BenchReport.Target> targets = verdicts.of(
                null,
                ingest(601),
                List.of(
                        jvm("operator", 400, 100, 131), // within 32 MiB
                        jvm("dispatcher", 450, 300, 355), // more than 32 MiB, within 20%: limit 360
                        other("postgres")),
                null);

        BenchReport.Target growth = target(targets, GROWTH);
        assertThat(growth.verdict()).isEqualTo("met");
        assertThat(growth.measured()).contains("dispatcher 300.0 -> 355.0 MiB (limit 360.0)");
    }

    @Test
    void growthBeyondTwentyPercentOfABigHeapIsNotMet() {
        List<BenchReport.Target> targets =
                verdicts.of(null, ingest(600), List.of(jvm("dispatcher", 450, 300, 361)), null);
        assertThat(target(targets, GROWTH).verdict()).isEqualTo("not met");
    }

    @Test
    void aLoadShorterThanTenMinutesDoesNotTestGrowthButStillGivesTheFloors() {
        List<BenchReport.Target> targets =
                verdicts.of(null, ingest(300), List.of(jvm("operator", 400, 100, 250)), null);

        assertThat(target(targets, PEAK).verdict()).isEqualTo("met");
        BenchReport.Target growth = target(targets, GROWTH);
        assertThat(growth.verdict()).isEqualTo("not tested (needs --duration 600)");
        assertThat(growth.measured()).contains("300 s load").contains("operator 100.0 -> 250.0 MiB");
    }

    @Test
    void thePipelinesLoadDurationDecidesAndOnlyTheLastSecondIsForgiven() {
        List<BenchReport.Usage> growing = List.of(jvm("operator", 400, 100, 250));
        assertThat(target(verdicts.of(pipeline(599.5), null, growing, null), GROWTH)
                        .verdict())
                .isEqualTo("not met");
        assertThat(target(verdicts.of(pipeline(598), null, growing, null), GROWTH)
                        .verdict())
                .isEqualTo("not tested (needs --duration 600)");
    }

    @Test
    void withoutFloorsInBothThirdsGrowthIsNotTested() {
        List<BenchReport.Target> targets = verdicts.of(
                null,
                ingest(600),
                List.of(new BenchReport.Usage("operator", 50, 90, 1, 400, 300, 120, -1, 0.1, 3)),
                null);
        BenchReport.Target growth = target(targets, GROWTH);
        assertThat(growth.verdict()).isEqualTo("not tested (no heap samples)");
    }

    @Test
    void aPeakAboveTheTargetIsStillNotMet() {
        List<BenchReport.Target> targets =
                verdicts.of(null, ingest(600), List.of(jvm("operator", 530, 100, 100)), null);
        assertThat(target(targets, PEAK).verdict()).isEqualTo("not met");
        assertThat(target(targets, GROWTH).verdict()).isEqualTo("met");
    }

    @Test
    void theGrowthLimitIsThirtyTwoMibOrTwentyPercentWhicheverIsMore() {
        assertThat(Verdicts.growthLimitMiB(50)).isEqualTo(82);
        assertThat(Verdicts.growthLimitMiB(160)).isEqualTo(192);
        assertThat(Verdicts.growthLimitMiB(400)).isEqualTo(480);
    }

    @Test
    void aCleanLedgerIsMetAndItsRowComesWithThePipelinesTargets() {
        BenchReport.Ledger clean = ledger(0, 0, 0, 0, 0, 0, true);
        List<BenchReport.Target> targets = verdicts.of(pipeline(60), null, List.of(), null, clean);

        BenchReport.Target row = target(targets, Verdicts.LEDGER_TARGET);
        assertThat(row.verdict()).isEqualTo("met");
        assertThat(row.measured())
                .contains("1,000 confirmed emails (200 warm-up + 800 measured)")
                .contains("0 lost")
                .contains("0 duplicate sends (fake provider's count)");
        assertThat(verdicts.of(pipeline(60), null, List.of(), null))
                .noneMatch(t -> t.target().equals(Verdicts.LEDGER_TARGET));
    }

    @Test
    void anyDuplicateRowOrSendIsNotMetEvenWhenTheDrainTimedOut() {
        assertThat(Verdicts.ledger(ledger(0, 0, 1, 0, 0, 0, true)).verdict()).isEqualTo("not met");
        assertThat(Verdicts.ledger(ledger(0, 0, 0, 1, 0, 0, true)).verdict()).isEqualTo("not met");
        assertThat(Verdicts.ledger(ledger(0, 0, 0, 0, 1, 0, true)).verdict()).isEqualTo("not met");
        assertThat(Verdicts.ledger(ledger(0, 5, 0, 2, 0, 0, false)).verdict()).isEqualTo("not met");
    }

    @Test
    void emailsNotTerminalAfterACompletedDrainAreLostButAfterATimedOutDrainMayOnlyBeLate() {
        BenchReport.Target drained = Verdicts.ledger(ledger(2, 3, 0, 0, 0, 0, true));
        assertThat(drained.verdict()).isEqualTo("not met");
        assertThat(drained.measured()).contains("5 lost (2 missing, 3 not terminal)");

        BenchReport.Target timedOut = Verdicts.ledger(ledger(2, 3, 0, 0, 0, 0, false));
        assertThat(timedOut.verdict())
                .startsWith("not checked (the drain timed out with 5 emails missing or not terminal")
                .contains("late or lost");
    }

    @Test
    void withTheSandboxDuplicateSendsAreNotCountedAndTheVerdictSaysSo() {
        BenchReport.Target row = Verdicts.ledger(ledger(0, 0, 0, 0, -1, 0, true));
        assertThat(row.verdict()).isEqualTo("met (duplicate sends not counted: sandbox provider)");
        assertThat(row.measured()).contains("duplicate sends not counted (sandbox provider)");
    }

    @Test
    void aLedgerThatCouldNotBeReadIsNotChecked() {
        BenchReport.Ledger l = BenchLedger.notChecked("embedded database, could not read it: refused", 10, 20, true);
        BenchReport.Target row = Verdicts.ledger(l);
        assertThat(row.verdict()).isEqualTo("not checked (embedded database, could not read it: refused)");
        assertThat(row.measured()).contains("30 confirmed emails not checked");
        assertThat(Verdicts.ledger(ledger(0, 0, 0, 0, 0, -1000, true)).verdict())
                .isEqualTo("not checked (no email was confirmed)");
    }

    /** 200 warm-up + 800 measured emails, all present unless missing; submittedDelta shifts the count (to reach 0). */
    private static BenchReport.Ledger ledger(
            long missing,
            long notTerminal,
            long duplicateMessageRows,
            long duplicateActivityRows,
            long duplicateSends,
            long submittedDelta,
            boolean drained) {
        long submitted = 1000 + submittedDelta;
        return new BenchReport.Ledger(
                null,
                BenchLedger.EMAILS,
                200,
                800 + submittedDelta,
                submitted,
                submitted - missing,
                missing + notTerminal,
                missing,
                notTerminal,
                duplicateMessageRows,
                duplicateActivityRows,
                duplicateSends,
                0,
                Map.of(),
                List.of(),
                drained,
                0.5);
    }

    private static BenchReport.Target target(List<BenchReport.Target> targets, String name) {
        return targets.stream()
                .filter(t -> t.target().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no target \"" + name + "\" in " + targets));
    }

    private static BenchReport.Usage jvm(String name, double peakHeap, double firstThirdFloor, double lastThirdFloor) {
        return new BenchReport.Usage(
                name, 50, 90, 1.5, peakHeap + 150, peakHeap, firstThirdFloor, lastThirdFloor, 0.2, 40);
    }

    private static BenchReport.Usage other(String name) {
        return new BenchReport.Usage(name, 30, 60, 0.5, 200, -1, -1, -1, -1, -1);
    }

    private static BenchReport.Ingest ingest(double seconds) {
        return new BenchReport.Ingest(
                1000,
                10,
                0,
                null,
                seconds,
                1000 / seconds,
                new BenchReport.Latency("webhook call", 10, 1, 2, 3, 4),
                900 / seconds,
                1000,
                0.5);
    }

    private static BenchReport.Pipeline pipeline(double loadSeconds) {
        return new BenchReport.Pipeline(
                1000,
                0,
                null,
                1000,
                1000,
                loadSeconds,
                1000 / loadSeconds,
                loadSeconds,
                1000 / loadSeconds,
                5,
                0,
                1,
                true,
                0,
                -1,
                0,
                0,
                List.of());
    }
}
