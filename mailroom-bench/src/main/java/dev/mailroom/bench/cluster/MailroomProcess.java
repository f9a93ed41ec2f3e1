package dev.mailroom.bench.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One OS process of the Mailroom jar with a fixed set of roles, port and arguments, which can be
 * started, killed ({@code kill -9}) and started again with the same command line. Its output goes
 * to one log file, appended across restarts, each start marked with a line.
 *
 * <p>Every process started is remembered until it exits, and a shutdown hook kills whichever are
 * still alive when this JVM ends, so that a failed or interrupted run leaves nothing behind.
 */
public final class MailroomProcess {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(MailroomProcess::killAllLive, "kill-mailroom-children"));
    }

    private final String name;
    private final String roles;
    private final int port;
    private final List<String> command;
    private final Path directory;
    private final Path log;
    private volatile Process process;
    private volatile Instant startedAt;
    private int starts;

    MailroomProcess(String name, String roles, int port, List<String> command, Path directory, Path log) {
        this.name = name;
        this.roles = roles;
        this.port = port;
        this.command = List.copyOf(command);
        this.directory = directory;
        this.log = log;
    }

    public String name() {
        return name;
    }

    public String roles() {
        return roles;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    /** The command line it is started with (every start the same). */
    public List<String> command() {
        return command;
    }

    /** How many times this process was started (1 after the first start). */
    public synchronized int starts() {
        return starts;
    }

    public synchronized void start() throws IOException {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        starts++;
        Files.createDirectories(log.getParent());
        Files.createDirectories(directory);
        Files.writeString(
                log,
                String.format("%n===== mailroom-bench: start #%d of %s at %s =====%n", starts, name, Instant.now()),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        withoutInheritedSettings(builder);
        Process started = builder.start();
        LIVE.add(started);
        started.onExit().thenRun(() -> LIVE.remove(started));
        process = started;
        startedAt = Instant.now();
    }

    /** {@code kill -9}: no shutdown hook, no graceful stop; returns once the process is gone. */
    public void kill9() throws InterruptedException {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        // On Linux, destroyForcibly sends SIGKILL.
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + p.pid() + ") survived SIGKILL for 30 s");
        }
    }

    /** SIGTERM (Spring's graceful shutdown) without waiting: lets several processes finish their batches at once. */
    void signalStop() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroy();
        }
    }

    /** SIGTERM (Spring's graceful shutdown), then SIGKILL if it has not exited within {@code grace}. */
    public void stop(Duration grace) throws InterruptedException {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            kill9();
        }
    }

    public boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    public long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    /** Exit code of the last run, or null while it runs (or before it ever started). */
    public Integer exitCode() {
        Process p = process;
        return p == null || p.isAlive() ? null : p.exitValue();
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** {@code GET /actuator/health/readiness} answers 200: broker (and database, where the roles have one) reachable. */
    public boolean isReady() {
        if (!isAlive()) {
            return false;
        }
        try {
            HttpResponse<Void> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url() + "/actuator/health/readiness"))
                            .timeout(Duration.ofSeconds(3))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits until the process is ready.
     *
     * @throws IllegalStateException when it exits or is not ready within {@code timeout}
     */
    public void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isReady()) {
            if (!isAlive()) {
                throw new IllegalStateException(
                        name + " exited with code " + exitCode() + " while starting; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " not ready within " + timeout.toSeconds() + " s; see " + log);
            }
            Thread.sleep(250);
        }
    }

    /** The last {@code lines} lines of the log. */
    public List<String> tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return List.of("(cannot read " + log + ": " + e + ")");
        }
    }

    /** Lines of the whole log (every start) that contain {@code text}. */
    public List<String> grep(String text) {
        try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains(text)).toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    @Override
    public String toString() {
        return name + "(" + roles + ", :" + port + (isAlive() ? ", pid " + pid() : ", not running") + ")";
    }

    private static void killAllLive() {
        for (Process p : List.copyOf(LIVE)) {
            p.destroyForcibly();
        }
    }

    /**
     * Gives a Mailroom started by {@code builder} exactly the configuration on its command line, none of the
     * {@code SPRING_*} and {@code MAILROOM_*} this JVM's environment holds (a dispatcher, in particular, must have no
     * database; the startup archive's training must be the zero-configuration run).
     */
    public static ProcessBuilder withoutInheritedSettings(ProcessBuilder builder) {
        builder.environment().keySet().removeIf(k -> k.startsWith("SPRING_") || k.startsWith("MAILROOM_"));
        return builder;
    }
}
