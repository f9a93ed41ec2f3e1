package dev.mailroom.bench.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How to launch a Mailroom jar that starts twice as fast: the jar extracted (Spring Boot's
 * {@code -Djarmode=tools extract}) and its loaded classes archived once (the JDK's class data
 * sharing, {@code -XX:ArchiveClassesAtExit}), so that each later start maps the classes instead of
 * reading, verifying and parsing them again.
 *
 * <p>The fault suite starts about ninety Mailroom processes, five at a time on two cores; here one
 * start went from about 8 s to 4 s alone, and five at once from 48 s to 25 s. Class loading is all
 * it changes: what the processes do once started is the same code.
 *
 * <p>The archive is trained by one start of the zero-configuration Mailroom (embedded broker and
 * database, every role, in a directory of its own) that exits once its context is refreshed, so the
 * training touches none of the caller's services. Classes it did not load (the PostgreSQL driver)
 * load as usual. When extracting or training fails, the plain jar is launched as before: the
 * archive only ever saves time.
 */
public record StartupArchive(Path jar, List<String> jvmOptions) {
    private static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(3);

    /** The jar launched as it is, with these options. */
    public static StartupArchive none(Path jar, List<String> jvmOptions) {
        return new StartupArchive(jar.toAbsolutePath(), List.copyOf(jvmOptions));
    }

    /**
     * Extracts {@code mailroomJar} into {@code dir} (emptied first) and trains the archive there with
     * {@code jvmOptions} (the options every process will have: the archive needs the same collector),
     * printing what it did to {@code out}.
     */
    public static StartupArchive prepare(Path mailroomJar, Path dir, List<String> jvmOptions, PrintStream out)
            throws InterruptedException {
        long start = System.nanoTime();
        Path root = dir.toAbsolutePath();
        Path extracted = root.resolve("app");
        Path archive = root.resolve("mailroom.jsa");
        Path log = root.resolve("training.log");
        try {
            dev.mailroom.bench.Directories.deleteTree(root);
            Files.createDirectories(root);
            int extractExit = run(
                    List.of(
                            java(),
                            "-Djarmode=tools",
                            "-jar",
                            mailroomJar.toAbsolutePath().toString(),
                            "extract",
                            "--destination",
                            extracted.toString()),
                    root,
                    root.resolve("extract.log"));
            Path app = extracted.resolve(mailroomJar.getFileName());
            if (extractExit != 0 || !Files.isRegularFile(app)) {
                return fallBack(
                        mailroomJar, jvmOptions, out, "extracting failed (see " + root.resolve("extract.log") + ")");
            }
            List<String> training = new ArrayList<>();
            training.add(java());
            training.addAll(jvmOptions);
            training.add("-XX:ArchiveClassesAtExit=" + archive);
            // The dump lists every class it cannot archive (generated accessors, JFR events): noise, not news.
            training.add("-Xlog:cds=off");
            training.add("-Dspring.context.exit=onRefresh");
            training.add("-jar");
            training.add(app.toString());
            training.add("--server.port=0");
            training.add("--server.address=127.0.0.1");
            training.add("--mailroom.embedded.amqp-port=0");
            training.add("--mailroom.data-dir=" + root.resolve("training-data"));
            int trainingExit = run(training, root, log);
            if (trainingExit != 0 || !Files.isRegularFile(archive)) {
                return fallBack(mailroomJar, jvmOptions, out, "training exited " + trainingExit + " (see " + log + ")");
            }
        } catch (IOException e) {
            return fallBack(mailroomJar, jvmOptions, out, e.toString());
        }
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-XX:SharedArchiveFile=" + archive);
        out.printf(
                "Startup archive: %s extracted and its classes archived in %.1f s (%s)%n",
                mailroomJar.getFileName(), (System.nanoTime() - start) / 1e9, archive);
        return new StartupArchive(extracted.resolve(mailroomJar.getFileName()), List.copyOf(options));
    }

    private static StartupArchive fallBack(Path jar, List<String> jvmOptions, PrintStream out, String why) {
        out.println("Startup archive not used, the jar starts as it is: " + why);
        return none(jar, jvmOptions);
    }

    /** Runs {@code command} in {@code dir} with none of this JVM's Spring or Mailroom settings, bounded in time. */
    private static int run(List<String> command, Path dir, Path log) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        MailroomProcess.withoutInheritedSettings(builder);
        Process process = builder.start();
        if (!process.waitFor(TRAINING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            return -1;
        }
        return process.exitValue();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
