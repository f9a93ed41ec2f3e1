package dev.mailroom.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes a run's {@code <run>.md}, {@code <run>.json} and {@code <run>.svg} side by side. */
public final class ReportFiles {
    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private static final java.time.format.DateTimeFormatter RUN_ID =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC);

    private ReportFiles() {}

    /** A run's id, and its reports' file name: its start in UTC, {@code yyyyMMdd-HHmmss}. */
    public static String runId(java.time.Instant startedAt) {
        return RUN_ID.format(startedAt);
    }

    /** @return the files written: Markdown, JSON, SVG */
    public static List<Path> write(BenchReport report, Path directory) throws IOException {
        Files.createDirectories(directory);
        Path md = directory.resolve(report.runId() + ".md");
        Path json = directory.resolve(report.runId() + ".json");
        Path svg = directory.resolve(report.runId() + ".svg");
        Files.writeString(svg, SvgChart.render(report));
        Files.writeString(json, JSON.writeValueAsString(report));
        Files.writeString(md, MarkdownReport.render(report, svg.getFileName().toString()));
        return List.of(md, json, svg);
    }
}
