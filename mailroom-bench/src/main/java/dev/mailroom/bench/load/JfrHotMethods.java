package dev.mailroom.bench.load;

import dev.mailroom.bench.report.BenchReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a Mailroom JVM spent its CPU, from the execution samples of its Flight Recording: the
 * hottest methods (the frame on top of the stack) and the share by area — which library the top
 * frame belongs to (JDBC driver, AMQP client, JSON, crypto, Spring, Tomcat, Mailroom itself...).
 */
final class JfrHotMethods {
    private static final int TOP = 15;
    /** Package prefixes, first match wins, so specific ones come before general ones. */
    private static final Map<String, String> AREAS = areas();

    private JfrHotMethods() {}

    private static final java.util.Set<String> WAITS =
            java.util.Set.of("jdk.ThreadPark", "jdk.JavaMonitorWait", "jdk.JavaMonitorEnter", "jdk.SocketRead");

    /**
     * The JDK's "profile" settings with waits (park, monitor, socket read) recorded from 1 ms
     * rather than 10: a pipeline stage's waits for a confirm or a commit are often a few ms.
     */
    static Path writeSettings(Path runDir) throws IOException {
        String profile = Files.readString(Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc"));
        String settings = profile.replace("control=\"locking-threshold\">10 ms", "control=\"locking-threshold\">1 ms")
                .replace("control=\"socket-threshold\">10 ms", "control=\"socket-threshold\">1 ms");
        return Files.writeString(runDir.resolve("bench.jfc"), settings);
    }

    static BenchReport.HotMethods summarize(String process, Path jfr) throws IOException {
        Map<String, Long> frames = new HashMap<>();
        Map<String, Long> areas = new HashMap<>();
        Map<String, double[]> waits = new HashMap<>();
        long samples = 0;
        if (!Files.exists(jfr)) {
            return new BenchReport.HotMethods(process, 0, List.of(), List.of(), List.of());
        }
        try (RecordingFile recording = new RecordingFile(jfr)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                String name = event.getEventType().getName();
                if (WAITS.contains(name)) {
                    String where = waitingIn(event.getStackTrace());
                    if (where != null) {
                        double[] sum = waits.computeIfAbsent(where, k -> new double[2]);
                        sum[0] += event.getDuration().toNanos() / 1e9;
                        sum[1]++;
                    }
                    continue;
                }
                if (!name.equals("jdk.ExecutionSample")) {
                    continue;
                }
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                RecordedFrame top = stack.getFrames().get(0);
                RecordedMethod method = top.getMethod();
                String type = method.getType().getName();
                frames.merge(shortType(type) + "." + method.getName(), 1L, Long::sum);
                areas.merge(areaOf(stack), 1L, Long::sum);
            }
        }
        List<BenchReport.Wait> topWaits = waits.entrySet().stream()
                .sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]))
                .limit(TOP)
                .map(e -> new BenchReport.Wait(
                        e.getKey(), Math.round(e.getValue()[0] * 10) / 10.0, (long) e.getValue()[1]))
                .toList();
        return new BenchReport.HotMethods(process, samples, top(frames, samples), top(areas, samples), topWaits);
    }

    /**
     * "Mailroom method -> what it waited in" for a wait inside Mailroom's work; null for a thread
     * idling outside it (a pool waiting for tasks, a consumer waiting for messages).
     */
    private static String waitingIn(RecordedStackTrace stack) {
        if (stack == null) {
            return null;
        }
        // From the top of the stack down to the first Mailroom frame: remember the outermost
        // library frame (the call Mailroom made), else the outermost JDK frame.
        String library = null;
        String jdk = null;
        for (RecordedFrame frame : stack.getFrames()) {
            String type = frame.getMethod().getType().getName();
            String method = shortType(type) + "." + frame.getMethod().getName();
            if (type.startsWith("dev.mailroom.")) {
                String callee = library != null ? library : jdk;
                return callee == null ? method : method + " -> " + callee;
            }
            if (type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.")) {
                jdk = method;
            } else {
                library = method;
            }
        }
        return null;
    }

    /**
     * The area of a sample: the library of its top frame; JDK frames are attributed to the first
     * library frame below them (a HashMap.get called by the JDBC driver is the driver's time),
     * unless the JDK's own work is the point (crypto, networking).
     */
    private static String areaOf(RecordedStackTrace stack) {
        for (RecordedFrame frame : stack.getFrames()) {
            if (frame.getMethod().getType().getName().startsWith("org.h2.server.")) {
                // The embedded setup's auto-server answering the benchmark's own queries, not Mailroom's work.
                return "H2 serving the benchmark's queries";
            }
        }
        for (RecordedFrame frame : stack.getFrames()) {
            String type = frame.getMethod().getType().getName();
            for (Map.Entry<String, String> area : AREAS.entrySet()) {
                if (type.startsWith(area.getKey())) {
                    return area.getValue();
                }
            }
        }
        return "JDK (other)";
    }

    private static Map<String, String> areas() {
        Map<String, String> areas = new LinkedHashMap<>();
        areas.put("sun.security.", "crypto (JDK)");
        areas.put("sun.nio.", "network I/O (JDK)");
        areas.put("java.net.", "network I/O (JDK)");
        areas.put("jdk.internal.net.http.", "HTTP client (JDK)");
        areas.put("sun.net.", "network I/O (JDK)");
        areas.put("java.util.zip.", "zip (JDK)");
        areas.put("org.postgresql.", "PostgreSQL JDBC");
        areas.put("com.zaxxer.hikari.", "Hikari pool");
        areas.put("org.h2.", "H2 database");
        areas.put("org.flywaydb.", "Flyway");
        areas.put("com.rabbitmq.", "AMQP client");
        areas.put("org.apache.qpid.", "Qpid broker (embedded)");
        areas.put("tools.jackson.", "JSON (Jackson)");
        areas.put("com.fasterxml.jackson.", "JSON (Jackson)");
        areas.put("org.springframework.amqp.", "Spring AMQP");
        areas.put("org.springframework.jdbc.", "Spring JDBC");
        areas.put("org.springframework.transaction.", "Spring transactions");
        areas.put("org.springframework.web.", "Spring MVC");
        areas.put("org.springframework.", "Spring (other)");
        areas.put("org.apache.catalina.", "Tomcat");
        areas.put("org.apache.coyote.", "Tomcat");
        areas.put("org.apache.tomcat.", "Tomcat");
        areas.put("io.micrometer.", "Micrometer");
        areas.put("ch.qos.logback.", "logging");
        areas.put("org.slf4j.", "logging");
        areas.put("io.github.resilience4j.", "Resilience4j");
        areas.put("dev.mailroom.", "Mailroom");
        return areas;
    }

    private static List<BenchReport.Share> top(Map<String, Long> counts, long total) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(TOP)
                .map(e -> new BenchReport.Share(
                        e.getKey(), Math.round(1000.0 * e.getValue() / Math.max(1, total)) / 10.0))
                .toList();
    }

    private static String shortType(String type) {
        String[] parts = type.split("\\.");
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            s.append(parts[i].charAt(0)).append('.');
        }
        return s.append(parts[parts.length - 1]).toString();
    }
}
