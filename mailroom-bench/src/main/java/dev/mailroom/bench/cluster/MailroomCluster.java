package dev.mailroom.bench.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The production layout of Mailroom as separate OS processes of the real jar — operators,
 * dispatchers, an {@code api,webhooks} process — against RabbitMQ and PostgreSQL. Add the
 * processes, start them, and {@link #close()} stops every one (SIGTERM, then SIGKILL).
 *
 * <p>Each process gets the broker arguments, the database arguments if its roles have a database
 * (dispatchers and webhook sinks have none), the {@code commonArgs} and its own arguments, in
 * that order (a later {@code --property} wins in Spring Boot).
 */
public final class MailroomCluster implements AutoCloseable {
    /** Small heaps and C1 only: several JVMs share two cores with the broker and the database. */
    public static final List<String> SMALL_JVM = List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xss512k");
    public static final Duration STOP_GRACE = Duration.ofSeconds(25);

    private final Path jar;
    private final Path workDir;
    private final Infrastructure infrastructure;
    private final List<String> jvmOptions;
    private final List<String> commonArgs;
    private final List<MailroomProcess> processes = new CopyOnWriteArrayList<>();

    public MailroomCluster(Path jar, Path workDir, Infrastructure infrastructure, List<String> jvmOptions, List<String> commonArgs) {
        this.jar = jar.toAbsolutePath();
        this.workDir = workDir.toAbsolutePath();
        this.infrastructure = infrastructure;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.commonArgs = List.copyOf(commonArgs);
    }

    public Path workDir() {
        return workDir;
    }

    public Infrastructure infrastructure() {
        return infrastructure;
    }

    /** Declares a process on a free port; it does not start it. */
    public MailroomProcess add(String name, String roles, List<String> extraArgs) throws IOException {
        return add(name, roles, freePort(), extraArgs);
    }

    public MailroomProcess add(String name, String roles, int port, List<String> extraArgs) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.add("--server.port=" + port);
        command.add("--server.address=127.0.0.1");
        command.add("--mailroom.roles=" + roles);
        command.add("--mailroom.data-dir=" + workDir.resolve(name + "-data"));
        command.addAll(infrastructure.rabbitArgs());
        if (needsDatabase(roles)) {
            command.addAll(infrastructure.databaseArgs());
        }
        command.addAll(commonArgs);
        command.addAll(extraArgs);
        MailroomProcess process = new MailroomProcess(name, roles, port, command, workDir.resolve(name + ".log"));
        processes.add(process);
        return process;
    }

    static boolean needsDatabase(String roles) {
        return roles.contains("operator") || roles.contains("api");
    }

    public List<MailroomProcess> processes() {
        return List.copyOf(processes);
    }

    /** The processes whose roles include {@code role}, in the order they were added. */
    public List<MailroomProcess> withRole(String role) {
        return processes.stream().filter(p -> List.of(p.roles().split(",")).contains(role)).toList();
    }

    public void startAll() throws IOException {
        for (MailroomProcess p : processes) {
            if (!p.isAlive()) {
                p.start();
            }
        }
    }

    public void awaitAllReady(Duration timeout) throws InterruptedException {
        for (MailroomProcess p : processes) {
            p.awaitReady(timeout);
        }
    }

    /** The processes that are not running although they were started (crashed, or killed and not restarted). */
    public List<MailroomProcess> exited() {
        return processes.stream().filter(p -> p.starts() > 0 && !p.isAlive()).toList();
    }

    public void printLogTails(PrintStream out, int lines) {
        for (MailroomProcess p : processes) {
            out.printf("%n----- last %d lines of %s (%s) -----%n", lines, p.log(), p.isAlive() ? "running" : "exited " + p.exitCode());
            p.tail(lines).forEach(out::println);
        }
        out.println("----- end of logs -----");
    }

    /** Stops every process, all at once (each gets {@link #STOP_GRACE} to finish its batches), then kills what is left. */
    @Override
    public void close() {
        processes.forEach(p -> {
            if (p.isAlive()) {
                ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroy);
            }
        });
        for (MailroomProcess p : processes) {
            try {
                p.stop(STOP_GRACE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                try {
                    p.kill9();
                } catch (InterruptedException again) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
