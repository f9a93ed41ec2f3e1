package dev.mailroom.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The run over time, hand-drawn as SVG (no charting library): emails per second submitted,
 * dispatched and fully tracked; latency by submit second; CPU per process. The same seconds on
 * every panel, so a latency spike lines up with the CPU that caused it.
 */
public final class SvgChart {
    private static final int WIDTH = 960;
    private static final int PANEL_HEIGHT = 220;
    private static final int LEFT = 70;
    private static final int RIGHT = 190;
    private static final int TOP = 40;
    private static final int GAP = 60;
    private static final String[] COLOURS = {
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"
    };

    private record Line(String name, List<double[]> points, boolean dashed) {}

    private final StringBuilder svg = new StringBuilder();
    private int panels;
    /** The same time axis on every panel: the whole run. */
    private double maxX = 1;
    /** Where the load stopped (seconds), marked on every panel; negative when unknown. */
    private double loadEnd = -1;

    private SvgChart() {}

    public static String render(BenchReport report) {
        SvgChart chart = new SvgChart();
        List<BenchReport.Second> series = report.series();
        chart.maxX = Math.max(
                1, series.stream().mapToInt(BenchReport.Second::t).max().orElse(1));
        chart.loadEnd = report.pipeline() != null
                ? report.pipeline().loadSeconds()
                : report.ingest() != null ? report.ingest().seconds() : -1;
        boolean ingest = report.pipeline() == null && report.fairness() == null && report.quota() == null;
        int panelCount = ingest ? 2 : 3;
        int height = TOP + panelCount * (PANEL_HEIGHT + GAP);
        chart.svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                WIDTH,
                height));
        chart.svg.append(
                String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        chart.text(
                LEFT,
                22,
                15,
                "Mailroom benchmark " + report.runId() + " (" + report.config().setup() + ", "
                        + (ingest
                                ? "webhook ingest"
                                : report.fairness() != null
                                        ? "fairness, the run with B"
                                        : report.quota() != null
                                                ? "quota " + report.quota().limitPerSecond() + "/s"
                                                : report.config().rate() + " emails/s")
                        + ")");
        if (report.fairness() != null) {
            chart.panel(
                    "Organization A's emails per second (the run with B)",
                    "emails/s",
                    List.of(
                            line("A submitted", series, BenchReport.Second::submitted, false),
                            line("A dispatched", series, BenchReport.Second::dispatched, false)));
            chart.panel(
                    "B's submit -> DISPATCHED, by submit second",
                    "ms",
                    List.of(
                            line("B p50", series, BenchReport.Second::dispatchedP50, false),
                            line("B p99", series, BenchReport.Second::dispatchedP99, true)));
        } else if (report.quota() != null) {
            chart.panel(
                    "Sends the provider received per wall-clock second (limit "
                            + report.quota().limitPerSecond() + "/s)",
                    "sends/s",
                    List.of(
                            line("sends received", series, BenchReport.Second::dispatched, false),
                            line("limit", series, s -> report.quota().limitPerSecond(), true)));
            chart.panel(
                    "Emails submitted per second",
                    "emails/s",
                    List.of(line("submitted", series, BenchReport.Second::submitted, false)));
        } else if (ingest) {
            chart.panel(
                    "Webhook events per second accepted",
                    "events/s",
                    List.of(line("events accepted", series, BenchReport.Second::events, false)));
        } else {
            chart.panel(
                    "Emails per second (by when each step was recorded)",
                    "emails/s",
                    List.of(
                            line("submitted", series, BenchReport.Second::submitted, false),
                            line("dispatched", series, BenchReport.Second::dispatched, false),
                            line("fully tracked", series, BenchReport.Second::tracked, false),
                            line("events / 3", series, s -> s.events() / 3.0, true)));
            chart.panel(
                    "Latency from submit, by submit second",
                    "ms",
                    List.of(
                            line("DISPATCHED p50", series, BenchReport.Second::dispatchedP50, false),
                            line("DISPATCHED p99", series, BenchReport.Second::dispatchedP99, true),
                            line("DELIVERED p50", series, BenchReport.Second::deliveredP50, false),
                            line("DELIVERED p99", series, BenchReport.Second::deliveredP99, true)));
        }
        Set<String> processes = new LinkedHashSet<>();
        series.forEach(s -> processes.addAll(s.cpuPercent().keySet()));
        List<Line> cpu = new ArrayList<>();
        for (String p : processes) {
            cpu.add(line(p, series, s -> s.cpuPercent().getOrDefault(p, -1.0), p.startsWith("machine")));
        }
        chart.panel(
                "CPU per process (100% = one core; the machine has "
                        + report.machine().cores() + ")",
                "% CPU",
                cpu);
        chart.svg.append("</svg>\n");
        return chart.svg.toString();
    }

    private static Line line(
            String name, List<BenchReport.Second> series, ToDoubleFunction<BenchReport.Second> value, boolean dashed) {
        List<double[]> points = new ArrayList<>();
        for (BenchReport.Second s : series) {
            double v = value.applyAsDouble(s);
            if (v >= 0) {
                points.add(new double[] {s.t(), v});
            }
        }
        return new Line(name, points, dashed);
    }

    private void panel(String title, String unit, List<Line> lines) {
        int top = TOP + panels++ * (PANEL_HEIGHT + GAP) + 20;
        int plotWidth = WIDTH - LEFT - RIGHT;
        double maxY = niceCeiling(lines.stream()
                .flatMap(l -> l.points().stream())
                .mapToDouble(p -> p[1])
                .max()
                .orElse(1));
        text(LEFT, top - 8, 13, title);
        svg.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
                LEFT,
                top,
                plotWidth,
                PANEL_HEIGHT));
        for (int i = 0; i <= 4; i++) {
            double v = maxY * i / 4;
            double y = top + PANEL_HEIGHT - PANEL_HEIGHT * i / 4.0;
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
                    LEFT,
                    y,
                    LEFT + plotWidth,
                    y));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%s</text>%n",
                    LEFT - 6,
                    y + 4,
                    label(v)));
        }
        int step = (int) Math.max(1, niceCeiling(maxX / 10));
        for (int x = 0; x <= maxX; x += step) {
            double px = LEFT + plotWidth * x / maxX;
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%ds</text>%n",
                    px,
                    top + PANEL_HEIGHT + 15,
                    x));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"14\" y=\"%d\" fill=\"#555\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>%n",
                top + PANEL_HEIGHT / 2,
                top + PANEL_HEIGHT / 2,
                unit));
        if (loadEnd > 0 && loadEnd <= maxX) {
            double px = LEFT + plotWidth * loadEnd / maxX;
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\" stroke-dasharray=\"2 3\"/>%n",
                    px,
                    top,
                    px,
                    top + PANEL_HEIGHT));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" fill=\"#888\" font-size=\"10\">load ends</text>%n",
                    px + 3,
                    top + 12));
        }
        Map<String, String> legend = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            String colour = COLOURS[i % COLOURS.length];
            legend.put(line.name() + (line.dashed() ? " (dashed)" : ""), colour);
            if (line.points().isEmpty()) {
                continue;
            }
            StringBuilder path = new StringBuilder();
            for (double[] p : line.points()) {
                double px = LEFT + plotWidth * p[0] / maxX;
                double py = top + PANEL_HEIGHT - PANEL_HEIGHT * Math.min(p[1], maxY) / maxY;
                path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", px, py));
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"%s/>%n",
                    path,
                    colour,
                    line.dashed() ? " stroke-dasharray=\"5 3\"" : ""));
        }
        int y = top + 10;
        for (Map.Entry<String, String> entry : legend.entrySet()) {
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"3\" fill=\"%s\"/>%n",
                    LEFT + plotWidth + 12,
                    y - 4,
                    entry.getValue()));
            text(LEFT + plotWidth + 32, y, 11, entry.getKey());
            y += 17;
        }
    }

    private void text(int x, int y, int size, String text) {
        svg.append(String.format(
                Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\">%s</text>%n", x, y, size, escape(text)));
    }

    private static String label(double v) {
        return v >= 10_000
                ? String.format(Locale.ROOT, "%.0fk", v / 1000)
                : v >= 10 || v == 0 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** 1, 2 or 5 times a power of ten, at least v. */
    static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double f : new double[] {1, 2, 5, 10}) {
            if (f * magnitude >= v) {
                return f * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
