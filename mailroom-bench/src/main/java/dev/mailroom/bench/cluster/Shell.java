package dev.mailroom.bench.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an administration command (rabbitmqctl, pg_ctlcluster, psql) to completion, bounded in time. */
public final class Shell {
    /** What a command did: its exit code ({@code -1} when it was killed for taking too long) and its output. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private Shell() {}

    public static Result run(Duration timeout, String... command) {
        return run(timeout, Map.of(), command);
    }

    /** Runs {@code command} with {@code extraEnv} added to this process's environment, from {@code /} (readable by every user). */
    public static Result run(Duration timeout, Map<String, String> extraEnv, String... command) {
        ProcessBuilder builder =
                new ProcessBuilder(List.of(command)).redirectErrorStream(true).directory(new java.io.File("/"));
        builder.environment().putAll(extraEnv);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Result(127, "cannot run " + command[0] + ": " + e.getMessage());
        }
        OutputCollector output = new OutputCollector(process.getInputStream());
        output.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                output.join(1000);
                return new Result(-1, output.text() + "\n(killed after " + timeout.toSeconds() + " s)");
            }
            output.join(5000);
            return new Result(process.exitValue(), output.text());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return new Result(-1, output.text() + "\n(interrupted)");
        }
    }

    /** Reads a command's output on its own thread, so that a chatty command cannot block on a full pipe. */
    private static final class OutputCollector extends Thread {
        private final InputStream in;
        private volatile String text = "";

        OutputCollector(InputStream in) {
            super("shell-output");
            setDaemon(true);
            this.in = in;
        }

        @Override
        public void run() {
            try {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                text = "(output unreadable: " + e.getMessage() + ")";
            }
        }

        String text() {
            return text;
        }
    }
}
