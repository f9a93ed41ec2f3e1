package dev.mailroom.bench.load;

import dev.mailroom.bench.report.BenchReport;
import dev.mailroom.bench.report.MarkdownReport;
import dev.mailroom.bench.report.ReportFiles;
import java.nio.file.Path;
import java.util.List;

/** {@code bench [options]}: runs one benchmark and writes its report (see {@link BenchOptions#USAGE}). */
public final class BenchCommand {
    private BenchCommand() {}

    public static int run(String[] args) {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.print(BenchOptions.USAGE);
            if (!e.getMessage().isEmpty()) {
                System.err.println();
                System.err.println(e.getMessage());
            }
            return 2;
        }
        try {
            BenchReport report = new BenchRun(options, System.out).run();
            List<Path> files = ReportFiles.write(report, options.resultsDir());
            System.out.println();
            System.out.print(
                    MarkdownReport.render(report, files.get(2).getFileName().toString()));
            System.out.println();
            System.out.println("Report: " + files.get(0) + " (and .json, .svg)");
            return 0;
        } catch (Exception e) {
            System.err.println("The benchmark failed: " + e.getMessage());
            if (String.valueOf(e.getMessage()).contains("refused") || e instanceof java.net.ConnectException) {
                System.err.println(
                        "Are RabbitMQ and PostgreSQL running? `bash .ci/run services` starts them (see the README's benchmark section).");
            }
            e.printStackTrace();
            return 1;
        }
    }
}
