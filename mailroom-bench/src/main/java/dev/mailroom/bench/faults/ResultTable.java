package dev.mailroom.bench.faults;

import java.io.PrintStream;
import java.util.List;

/** Prints the scenarios' figures as one table, then each scenario's notes and failed assertions. */
final class ResultTable {
    private static final String ROW = "%-2s %-36s %7s %9s %5s %9s %15s %8s %8s  %-6s %s%n";

    private ResultTable() {}

    static void print(PrintStream out, List<ScenarioResult> results) {
        out.println();
        out.printf(
                ROW,
                "#",
                "scenario",
                "sent",
                "delivered",
                "lost",
                "dup rows",
                "dup sends (max)",
                "drain s",
                "total s",
                "result",
                "webhooks: arrived/expected lost dup bad-sig");
        out.printf(
                ROW,
                "--",
                "-".repeat(36),
                "-".repeat(7),
                "-".repeat(9),
                "-".repeat(5),
                "-".repeat(9),
                "-".repeat(15),
                "-".repeat(8),
                "-".repeat(8),
                "------",
                "-".repeat(43));
        for (ScenarioResult r : results) {
            String sends = r.duplicateSends + (r.duplicateSendBound == null ? "" : " (" + r.duplicateSendBound + ")");
            out.printf(
                    ROW,
                    r.number,
                    r.title,
                    r.sent,
                    r.delivered,
                    r.lost,
                    r.duplicateRows,
                    sends,
                    Double.isNaN(r.drainSeconds) ? "-" : String.format("%.1f", r.drainSeconds),
                    String.format("%.0f", r.totalSeconds),
                    r.passed() ? "PASS" : "FAIL",
                    r.webhooks == null ? "" : r.webhooks.toString());
        }
        for (ScenarioResult r : results) {
            out.printf("%n%d. %s: %s%n", r.number, r.title, r.passed() ? "PASS" : "FAIL");
            r.notes.forEach(n -> out.println("   " + n));
            r.failures.forEach(f -> out.println("   FAILED: " + f));
        }
        long passed = results.stream().filter(ScenarioResult::passed).count();
        out.println();
        // The plain closing line CI runners understand.
        out.printf("faults: %d passed, %d failed%n", passed, results.size() - passed);
        out.flush();
    }
}
