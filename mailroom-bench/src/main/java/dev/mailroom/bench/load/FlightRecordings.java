package dev.mailroom.bench.load;

import dev.mailroom.bench.cluster.MailroomProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code --profile}: a Flight Recording in every Mailroom process the run started, through jcmd,
 * so that the profile covers the measured load only, not start-up. Each goes to
 * {@code <runDir>/<process>.jfr}.
 */
final class FlightRecordings {
    /** Deep enough to reach Mailroom's frames under Spring's and the HTTP client's. */
    static final String JVM_OPTION = "-XX:FlightRecorderOptions=stackdepth=128";

    private FlightRecordings() {}

    static Path file(Path runDir, String process) {
        return runDir.resolve(process + ".jfr");
    }

    /**
     * Starts the recordings with the JDK's "profile" settings (execution samples every 10-20 ms),
     * waits recorded from 1 ms instead of 10.
     */
    static void start(List<MailroomProcess> processes, Path runDir) throws IOException, InterruptedException {
        Path settings = JfrHotMethods.writeSettings(runDir);
        for (MailroomProcess p : processes) {
            jcmd(p, "JFR.start", "name=bench", "settings=" + settings, "filename=" + file(runDir, p.name()));
        }
    }

    /** Stops the recordings, which writes each one's file. */
    static void stop(List<MailroomProcess> processes) throws IOException, InterruptedException {
        for (MailroomProcess p : processes) {
            jcmd(p, "JFR.stop", "name=bench");
        }
    }

    private static void jcmd(MailroomProcess p, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        line.add(Long.toString(p.pid()));
        line.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes());
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new IOException("jcmd " + String.join(" ", command) + " failed for " + p.name() + ": " + out);
        }
    }
}
