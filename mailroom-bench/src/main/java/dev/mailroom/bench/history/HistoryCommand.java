package dev.mailroom.bench.history;

import dev.mailroom.bench.report.ReportFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** {@code history [options]}: fills a history, measures its reads, writes the report (see {@link HistoryOptions#USAGE}). */
public final class HistoryCommand {
    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private HistoryCommand() {}

    public static int run(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.log.com.rabbitmq.client", "error");
        HistoryOptions options;
        try {
            options = HistoryOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.print(HistoryOptions.USAGE);
            if (!e.getMessage().isEmpty()) {
                System.err.println();
                System.err.println(e.getMessage());
            }
            return 2;
        }
        try {
            HistoryReport report = new HistoryRun(options, System.out).run();
            List<Path> files = write(report, options.resultsDir());
            System.out.println();
            System.out.print(HistoryMarkdown.render(report));
            System.out.println();
            System.out.println("Report: " + files.get(0) + " (and .json)");
            return 0;
        } catch (Exception e) {
            System.err.println("The history benchmark failed: " + e.getMessage());
            if (String.valueOf(e.getMessage()).contains("refused") || e instanceof java.net.ConnectException) {
                System.err.println(
                        "Are RabbitMQ and PostgreSQL running? `bash .ci/run services` starts them (see the README's benchmark section).");
            }
            e.printStackTrace();
            return 1;
        }
    }

    /** {@code <run id>.md} and {@code <run id>.json}, named like the other reports ({@link ReportFiles#runId}). */
    static List<Path> write(HistoryReport report, Path directory) throws IOException {
        Files.createDirectories(directory);
        Path md = directory.resolve(report.runId() + ".md");
        Path json = directory.resolve(report.runId() + ".json");
        Files.writeString(json, JSON.writeValueAsString(report));
        Files.writeString(md, HistoryMarkdown.render(report));
        return List.of(md, json);
    }

    /** For tests: the run without the files. */
    static HistoryReport runQuietly(String[] args, PrintStream out) throws Exception {
        return new HistoryRun(HistoryOptions.parse(args), out).run();
    }
}
