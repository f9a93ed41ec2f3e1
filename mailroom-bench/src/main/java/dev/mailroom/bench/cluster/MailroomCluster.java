package dev.mailroom.bench.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Mailroom as OS processes of the real jar, the one launcher of {@code bench} and {@code faults}:
 * operators, dispatchers, an {@code api,webhooks} process (or one process with every role) against
 * an {@link Infrastructure}. Add the processes, start them, and {@link #close()} stops every one
 * (SIGTERM, then SIGKILL).
 *
 * <p>Each process gets the infrastructure's arguments for its roles (the database only if its
 * roles have one), the {@code commonArgs} and its own arguments, in that order (a later
 * {@code --property} wins in Spring Boot). Its log is {@code <workDir>/logs/<name>.log}, its data
 * directory {@code <workDir>/data/<name>}, and it runs in {@code workDir}, so that nothing it
 * writes lands in the caller's directory.
 */
public final class MailroomCluster implements AutoCloseable {
    /** Small heaps and C1 only: several JVMs share two cores with the broker and the database. */
    public static final List<String> SMALL_JVM =
            List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");
    /** How long a process may take to finish its batches after SIGTERM before it is killed. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private static final int TAIL_LINES = 30;

    private final Path jar;
    private final Path workDir;
    private final Infrastructure infrastructure;
    private final List<String> jvmOptions;
    private final List<String> commonArgs;
    private final List<MailroomProcess> processes = new CopyOnWriteArrayList<>();

    public MailroomCluster(
            Path jar, Path workDir, Infrastructure infrastructure, List<String> jvmOptions, List<String> commonArgs) {
        this.jar = jar.toAbsolutePath();
        this.workDir = workDir.toAbsolutePath();
        this.infrastructure = infrastructure;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.commonArgs = List.copyOf(commonArgs);
    }

    /** The data directory of the process {@code name} of a cluster working in {@code workDir}. */
    public static Path dataDir(Path workDir, String name) {
        return workDir.toAbsolutePath().resolve("data").resolve(name);
    }

    public Path workDir() {
        return workDir;
    }

    public Infrastructure infrastructure() {
        return infrastructure;
    }

    /** Declares a process on a free port; it does not start it. */
    public MailroomProcess add(String name, String roles, List<String> extraArgs) {
        return add(name, roles, freePort(), extraArgs);
    }

    public MailroomProcess add(String name, String roles, int port, List<String> extraArgs) {
        if (processes.stream().anyMatch(p -> p.name().equals(name))) {
            throw new IllegalArgumentException("a process named " + name + " is already in the cluster");
        }
        MailroomProcess process = new MailroomProcess(
                name,
                roles,
                port,
                command(name, roles, port, extraArgs),
                workDir,
                workDir.resolve("logs").resolve(name + ".log"));
        processes.add(process);
        return process;
    }

    List<String> command(String name, String roles, int port, List<String> extraArgs) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.add("--server.port=" + port);
        // Loopback only: nothing the bench starts is reachable from outside the machine.
        command.add("--server.address=127.0.0.1");
        command.add("--mailroom.roles=" + roles);
        command.add("--mailroom.data-dir=" + dataDir(workDir, name));
        // A process given its own order of the broker's nodes gets only that one: Spring would join two values.
        boolean ownAddresses = extraArgs.stream().anyMatch(a -> a.startsWith(Broker.ADDRESSES_ARG));
        infrastructure.mailroomArgs(roles).stream()
                .filter(a -> !(ownAddresses && a.startsWith(Broker.ADDRESSES_ARG)))
                .forEach(command::add);
        command.addAll(commonArgs);
        command.addAll(extraArgs);
        return command;
    }

    public List<MailroomProcess> processes() {
        return List.copyOf(processes);
    }

    /** The processes whose roles include {@code role}, in the order they were added. */
    public List<MailroomProcess> withRole(String role) {
        return processes.stream()
                .filter(p -> List.of(p.roles().split(",")).contains(role))
                .toList();
    }

    /**
     * Starts every process never started yet, all at once, and waits until each answers readiness.
     *
     * @return the seconds each of them took to become ready, by name, in the order they were added
     * @throws IllegalStateException when one exits while starting (with the end of its log) or is
     *                               not ready within {@code timeout}
     */
    public Map<String, Double> startAll(Duration timeout) throws IOException, InterruptedException {
        List<MailroomProcess> pending = new ArrayList<>();
        for (MailroomProcess p : processes) {
            if (p.starts() == 0) {
                p.start();
                pending.add(p);
            }
        }
        long start = System.nanoTime();
        Map<String, Double> readyAfter = new LinkedHashMap<>();
        while (!pending.isEmpty()) {
            for (MailroomProcess p : List.copyOf(pending)) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(
                            p.name() + " exited with code " + p.exitCode() + " while starting; its log " + p.log()
                                    + " ends with:\n" + String.join("\n", p.tail(TAIL_LINES)));
                }
                if (p.isReady()) {
                    readyAfter.put(p.name(), (System.nanoTime() - start) / 1e9);
                    pending.remove(p);
                }
            }
            if (pending.isEmpty()) {
                break;
            }
            if (System.nanoTime() - start > timeout.toNanos()) {
                throw new IllegalStateException("not ready within " + timeout.toSeconds() + " s: "
                        + pending.stream()
                                .map(p -> p.name() + " (see " + p.log() + ")")
                                .toList());
            }
            Thread.sleep(200);
        }
        return readyAfter;
    }

    /** The processes that are not running although they were started (crashed, or killed and not restarted). */
    public List<MailroomProcess> exited() {
        return processes.stream().filter(p -> p.starts() > 0 && !p.isAlive()).toList();
    }

    public void printLogTails(PrintStream out, int lines) {
        for (MailroomProcess p : processes) {
            out.printf(
                    "%n----- last %d lines of %s (%s) -----%n",
                    lines, p.log(), p.isAlive() ? "running" : "exited " + p.exitCode());
            p.tail(lines).forEach(out::println);
        }
        out.println("----- end of logs -----");
    }

    /** Stops every process, all at once (each gets {@link #STOP_GRACE} to finish its batches), then kills what is left. */
    @Override
    public void close() {
        processes.forEach(MailroomProcess::signalStop);
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

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
