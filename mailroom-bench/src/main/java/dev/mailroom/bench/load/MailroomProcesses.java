package dev.mailroom.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Mailroom JVMs a run starts, one per role set, each with its own port, log and data
 * directory. Stops them all (SIGTERM, then kill) when closed, and from a shutdown hook if the
 * benchmark itself is interrupted, so nothing it started outlives it.
 */
final class MailroomProcesses implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /** One started JVM. */
    record Started(String name, String roles, Process process, int port, Path log, Path jfr) {
        String baseUrl() {
            return "http://127.0.0.1:" + port;
        }

        long pid() {
            return process.pid();
        }
    }

    /** How to start one process: its roles, HTTP port (chosen beforehand, so others can be told it) and extra arguments. */
    record Plan(String name, String roles, int port, List<String> args) {
        Plan(String name, String roles, List<String> args) {
            this(name, roles, freePort(), args);
        }

        String baseUrl() {
            return "http://127.0.0.1:" + port;
        }
    }

    private final List<Started> started = Collections.synchronizedList(new ArrayList<>());
    private final Thread shutdownHook = new Thread(this::stopAll, "mailroom-bench-stop");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    MailroomProcesses() {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    List<Started> all() {
        return List.copyOf(started);
    }

    Started byName(String name) {
        return started.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /** Starts the given processes together and waits until every one answers readiness. */
    List<Started> startAll(List<Plan> plans, Path jar, List<String> jvmArgs, Map<String, String> env, Path runDir, boolean profile)
            throws IOException, InterruptedException {
        List<Started> batch = new ArrayList<>();
        for (Plan plan : plans) {
            batch.add(start(plan, jar, jvmArgs, env, runDir, profile));
        }
        for (Started s : batch) {
            awaitReady(s);
        }
        return batch;
    }

    private Started start(Plan plan, Path jar, List<String> jvmArgs, Map<String, String> env, Path runDir, boolean profile)
            throws IOException {
        int port = plan.port();
        Path logs = Files.createDirectories(runDir.resolve("logs"));
        Path log = logs.resolve(plan.name() + ".log");
        Path jfr = profile ? runDir.resolve(plan.name() + ".jfr") : null;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        if (jfr != null) {
            // Deep enough to reach Mailroom's frames under Spring's and the HTTP client's.
            command.add("-XX:FlightRecorderOptions=stackdepth=128");
        }
        command.add("-jar");
        command.add(jar.toString());
        command.add("--mailroom.roles=" + plan.roles());
        command.add("--server.port=" + port);
        // Loopback only: nothing a benchmark starts is reachable from outside the machine.
        command.add("--server.address=127.0.0.1");
        command.add("--mailroom.data-dir=" + runDir.resolve("data").resolve(plan.name()));
        command.addAll(plan.args());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // Only what we pass configures it: no SPRING_* or MAILROOM_* leaking in from the caller's shell.
        builder.environment().keySet().removeIf(k -> k.startsWith("SPRING_") || k.startsWith("MAILROOM_"));
        builder.environment().putAll(env);
        Started s = new Started(plan.name(), plan.roles(), builder.start(), port, log, jfr);
        started.add(s);
        return s;
    }

    private void awaitReady(Started s) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        HttpRequest request = HttpRequest.newBuilder(URI.create(s.baseUrl() + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!s.process().isAlive()) {
                throw new IllegalStateException(s.name() + " exited with " + s.process().exitValue() + " during start-up; its log "
                        + s.log() + " ends with:\n" + tail(s.log(), 30));
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(s.name() + " was not ready within " + READY_TIMEOUT.toSeconds() + " s; see " + s.log());
    }

    /**
     * Starts a Flight Recording (the JDK's "profile" settings: execution samples every 10-20 ms;
     * waits recorded from 1 ms instead of 10)
     * in every process that has a recording file, through jcmd, so that the profile covers the
     * measured load only, not start-up.
     */
    void startProfiling(Path runDir) throws IOException, InterruptedException {
        Path settings = JfrHotMethods.writeSettings(runDir);
        for (Started s : all()) {
            if (s.jfr() != null) {
                jcmd(s, "JFR.start", "name=bench", "settings=" + settings, "filename=" + s.jfr());
            }
        }
    }

    /** Stops the recordings, which writes each one's file. */
    void stopProfiling() throws IOException, InterruptedException {
        for (Started s : all()) {
            if (s.jfr() != null) {
                jcmd(s, "JFR.stop", "name=bench");
            }
        }
    }

    private static void jcmd(Started s, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        line.add(Long.toString(s.pid()));
        line.addAll(List.of(command));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + String.join(" ", command) + " failed for " + s.name() + ": " + out);
        }
    }

    /** Stops everything: SIGTERM to all (each finishes the batch in hand), then waits, killing what does not exit. */
    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running or ran.
        }
    }

    private void stopAll() {
        List<Started> reversed = new ArrayList<>(started);
        Collections.reverse(reversed);
        reversed.forEach(s -> s.process().destroy());
        for (Started s : reversed) {
            try {
                if (!s.process().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    s.process().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                s.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        started.clear();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
