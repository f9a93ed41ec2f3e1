package dev.mailroom.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MarkdownReportTest {

    @Test
    void theLedgerSectionGivesEveryFigureAndTheProblems() {
        BenchReport.Ledger ledger = new BenchReport.Ledger(
                null,
                "every confirmed email",
                2_000,
                10_000,
                12_000,
                11_999,
                3,
                1,
                2,
                0,
                4,
                5,
                5,
                Map.of("CLICKED", 11_997L, "QUEUED", 2L),
                List.of("1 confirmed ids never recorded in messages, e.g. [x]"),
                true,
                2.5);

        String md = MarkdownReport.render(report(ledger), "run.svg");

        String section = md.substring(md.indexOf("## Ledger (DESIGN §2)"));
        assertThat(section)
                .contains("every confirmed email (2,000 + 10,000)")
                .contains("| submitted (confirmed) | 12,000 |")
                .contains("| present in messages | 11,999 |")
                .contains("| lost (missing / not terminal) | 3 (1 / 2) |")
                .contains("| duplicate message rows | 0 |")
                .contains("| duplicate activity rows | 4 |")
                .contains("| duplicate sends | 5 (the fake provider's accepted sends per email) |")
                .contains("CLICKED 11,997, QUEUED 2")
                .contains("- 1 confirmed ids never recorded in messages, e.g. [x]");
        assertThat(md.indexOf("## Ledger")).isLessThan(md.indexOf("## Processes"));
    }

    @Test
    void aTimedOutDrainAndTheSandboxAreSaidInTheTable() {
        BenchReport.Ledger ledger = new BenchReport.Ledger(
                null, "every confirmed email", 0, 100, 100, 100, 7, 0, 7, 0, 0, -1, 0, Map.of(), List.of(), false, 0.1);

        String md = MarkdownReport.render(report(ledger), "run.svg");

        assertThat(md)
                .contains(
                        "| lost (missing / not terminal) | 7 (0 / 7) — the drain timed out: late or lost, not told apart |")
                .contains("| duplicate sends | not counted (the sandbox provider keeps no count of sends) |")
                .doesNotContain("Problems:");
    }

    @Test
    void aLedgerNotCheckedSaysWhyAndNoFigures() {
        BenchReport.Ledger ledger = new BenchReport.Ledger(
                "embedded database, could not read it: locked",
                "every confirmed email",
                0,
                100,
                100,
                -1,
                -1,
                -1,
                -1,
                -1,
                -1,
                -1,
                -1,
                Map.of(),
                List.of(),
                true,
                0);

        String md = MarkdownReport.render(report(ledger), "run.svg");

        assertThat(md)
                .contains("**Not checked:** embedded database, could not read it: locked.")
                .doesNotContain("present in messages");
        assertThat(MarkdownReport.render(report(null), "run.svg")).doesNotContain("## Ledger");
    }

    @Test
    void theConfigurationSaysHowManyOrganizationsSubmittedAndWithWhichKeys() {
        String md = MarkdownReport.render(
                report(null, 10, "one send+read key per organization; every mailbox message signed with its key"),
                "run.svg");

        assertThat(md)
                .contains("| organizations | 10 organizations — one send+read key per organization;"
                        + " every mailbox message signed with its key |");
    }

    @Test
    void aReportWrittenBeforeOrganizationsWereCountedSaysOne() {
        String md = MarkdownReport.render(report(null, 0, null), "run.svg");

        assertThat(md).contains("| organizations | 1 organization |");
    }

    @Test
    void aFairnessReportShowsBothRunsAndBsLatencyByRange() {
        BenchReport.Latency b = new BenchReport.Latency(
                "B: submit -> DISPATCHED (provider answered)", 150, 41_000, 47_000, 48_000, 48_500);
        BenchReport.Latency a =
                new BenchReport.Latency("A: submit -> DISPATCHED", 20_000, 9_000, 17_000, 18_000, 18_500);
        BenchReport.Fairness fairness = new BenchReport.Fairness(
                "bench-1",
                "bench-2",
                5,
                new BenchReport.FairnessRun("with B", 20_000, 0, 3.1, 20_000, 19.5, 1025.6, true, a),
                new BenchReport.FairnessRun("A alone", 20_000, 0, 3.0, 20_000, 18.2, 1098.9, true, a),
                150,
                150,
                0,
                null,
                12,
                new BenchReport.Latency("B: submit -> API answered 202 (client side)", 150, 5, 9, 12, 30),
                b,
                b,
                List.of(new BenchReport.Bucket("< 100 ms", 3), new BenchReport.Bucket(">= 30 s", 147)),
                0.93);
        BenchReport plain = report(null);
        BenchReport r = withTraffic(plain, "fairness", fairness, null);

        String md = MarkdownReport.render(r, "run.svg");

        String section = md.substring(md.indexOf("## Fairness"));
        assertThat(section)
                .contains("| with B | 20,000 | 0 | 3.1 | 20,000 | 19.5 | **1025.6** | yes |")
                .contains("| A alone | 20,000 | 0 | 3.0 | 20,000 | 18.2 | **1098.9** | yes |")
                .contains("A's throughput with B is 93% of A alone's")
                .contains(
                        "| B: submit -> DISPATCHED (provider answered) | 150 | 41000.0 | 47000.0 | 48000.0 | 48500.0 |")
                .contains("| B: submit -> API answered 202 (client side) | 150 | 5.0 | 9.0 | 12.0 | 30.0 |")
                .contains("| >= 30 s | 147 |");
        assertThat(SvgChart.render(r)).contains("B's submit -&gt; DISPATCHED").doesNotContain("Webhook events");
    }

    @Test
    void aQuotaReportGivesTheBusiestSecondAndEverySecondsCount() {
        BenchReport.Quota quota = new BenchReport.Quota(
                50,
                3,
                55.0,
                3_000,
                498.7,
                3_000,
                151,
                "2026-12-06T12:00:03Z",
                4,
                3,
                150.0,
                0,
                true,
                List.of(151L, 150L, 149L, 0L));

        String md = MarkdownReport.render(withTraffic(report(null), "quota", null, quota), "run.svg");

        assertThat(md)
                .contains("`mailroom.dispatcher.rate-limits.sendgrid=50` on every process, 3 dispatcher(s)")
                .contains("| **most sends in one second** | **151** (2026-12-06T12:00:03Z); allowed 55.0 |")
                .contains("| seconds over the allowed | 3 |")
                .contains("Sends per second: 151 150 149 0.");
    }

    @Test
    void theWebhooksSectionGivesTheEndpointsFiguresOnlyWhenThereAreAny() {
        BenchReport.Ledger ledger = new BenchReport.Ledger(
                null, "every confirmed email", 0, 100, 100, 100, 0, 0, 0, 0, 0, 0, 0, Map.of(), List.of(), true, 0.1);
        BenchReport plain = report(ledger);
        BenchReport.Webhooks figures = new BenchReport.Webhooks(
                2,
                1_500,
                1_520,
                20,
                48.4,
                52.25,
                new BenchReport.Latency("webhook occurredAt -> received", 1_200, 35.5, 80, 150.25, 900),
                15,
                0,
                1.5);

        assertThat(MarkdownReport.render(plain, "run.svg")).doesNotContain("Webhooks to the customer's endpoint");
        String md = MarkdownReport.render(plain.withWebhooks(figures), "run.svg");
        assertThat(md.substring(md.indexOf("## Webhooks to the customer's endpoint")))
                .contains("to 2 endpoint(s)")
                .contains("| events received | 1,500 (1,520 requests, 20 repeating a webhook-id) |")
                .contains("**52.3** steady; 48.4 from the load's start")
                .contains("p50 35.5 ms, p99 150.3 ms, max 900.0 ms over 1,200 events")
                .contains("| signatures verified (sample) | 15 checked, 0 failed |")
                .contains("| last event after the drain | 1.5 s |");
    }

    private static BenchReport withTraffic(
            BenchReport r, String mode, BenchReport.Fairness fairness, BenchReport.Quota quota) {
        return new BenchReport(
                r.runId(),
                r.startedAt(),
                r.label(),
                mode,
                r.config(),
                r.machine(),
                r.processes(),
                null,
                null,
                null,
                r.ledger(),
                r.usage(),
                null,
                null,
                r.targets(),
                r.profiles(),
                r.series(),
                r.notes(),
                fairness,
                quota);
    }

    private static BenchReport report(BenchReport.Ledger ledger) {
        return report(ledger, 1, "the bootstrap key of organization default");
    }

    private static BenchReport report(BenchReport.Ledger ledger, int organizations, String keys) {
        BenchReport.Config config = new BenchReport.Config(
                "SPLIT",
                "AMQP",
                "500",
                30,
                15_000,
                60,
                1,
                1,
                "512m",
                List.of(),
                List.of(),
                "RabbitMQ",
                "PostgreSQL",
                "sendgrid",
                1,
                1,
                50,
                100,
                4,
                20,
                1024,
                organizations,
                keys);
        BenchReport.Machine machine = new BenchReport.Machine(2, "OpenJDK 17", "Linux", 5, 90, 0);
        return new BenchReport(
                "20250101-000000",
                "2025-01-01T00:00:00Z",
                "",
                "pipeline",
                config,
                machine,
                List.of(),
                null,
                null,
                null,
                ledger,
                List.of(),
                null,
                null,
                List.of(),
                List.of(),
                List.of(),
                List.of());
    }
}
