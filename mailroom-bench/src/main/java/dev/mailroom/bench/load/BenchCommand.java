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
        // bench --mode history is the history command (its own options: see HistoryOptions).
        java.util.List<String> modeless = new java.util.ArrayList<>(java.util.Arrays.asList(args));
        int mode = modeless.indexOf("--mode");
        if (modeless.remove("--mode=history")
                || (mode >= 0
                        && mode + 1 < modeless.size()
                        && modeless.get(mode + 1).equals("history")
                        && modeless.remove(mode + 1) != null
                        && modeless.remove(mode) != null)) {
            return dev.mailroom.bench.history.HistoryCommand.run(modeless.toArray(String[]::new));
        }
        BenchOptions options;
        OtlpCounter otlp = null;
        try {
            // --otlp: a local OTLP receiver, and every Mailroom process told to export its traces to it.
            java.util.List<String> given = new java.util.ArrayList<>(java.util.Arrays.asList(args));
            if (given.remove("--otlp")) {
                otlp = new OtlpCounter();
                given.add("--server-arg=" + otlp.serverArg());
            }
            options = BenchOptions.parse(given.toArray(String[]::new));
        } catch (java.io.IOException e) {
            System.err.println("Cannot start the OTLP receiver of --otlp: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            if (otlp != null) {
                otlp.close();
            }
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
            if (otlp != null) {
                System.out.println(otlp.summary());
            }
            return 0;
        } catch (Exception e) {
            System.err.println("The benchmark failed: " + e.getMessage());
            if (String.valueOf(e.getMessage()).contains("refused") || e instanceof java.net.ConnectException) {
                System.err.println(
                        "Are RabbitMQ and PostgreSQL running? `bash .ci/run services` starts them (see the README's benchmark section).");
            }
            e.printStackTrace();
            return 1;
        } finally {
            if (otlp != null) {
                otlp.close();
            }
        }
    }
}
