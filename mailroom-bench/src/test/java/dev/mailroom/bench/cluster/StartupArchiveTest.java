package dev.mailroom.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite's launcher of Mailroom's jar: extracted, with a class archive trained by the zero-configuration
 * run. A process started with it must really map the archive ({@code -Xshare:on} makes the JVM refuse to start
 * otherwise) and take Mailroom's own classes from it; a jar that cannot be prepared is launched as it is.
 */
@Tag("same-on-any-infrastructure")
class StartupArchiveTest {
    private static final Path JAR = Path.of("..", "mailroom-server", "target", "mailroom.jar");

    @Test
    void aProcessStartedFromThePreparedArchiveLoadsMailroomsClassesFromIt(@TempDir Path dir) throws Exception {
        assertThat(JAR)
                .as("mailroom-server's jar (./mvnw -pl mailroom-server,mailroom-bench -am package)")
                .isRegularFile();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        StartupArchive launch = StartupArchive.prepare(
                JAR,
                dir.resolve("archive"),
                MailroomCluster.SMALL_JVM,
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(printed.toString(StandardCharsets.UTF_8)).startsWith("Startup archive: mailroom.jar extracted");
        assertThat(launch.jar())
                .isEqualTo(dir.resolve("archive/app/mailroom.jar").toAbsolutePath())
                .isRegularFile();
        assertThat(launch.jvmOptions())
                .startsWith(MailroomCluster.SMALL_JVM.toArray(String[]::new))
                .contains("-XX:SharedArchiveFile="
                        + dir.resolve("archive/mailroom.jsa").toAbsolutePath());

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(launch.jvmOptions());
        command.addAll(List.of(
                "-Xshare:on",
                "-Xlog:class+load=info",
                "-Dspring.context.exit=onRefresh",
                "-jar",
                launch.jar().toString(),
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--mailroom.embedded.amqp-port=0",
                "--mailroom.roles=dispatcher",
                "--mailroom.data-dir=" + dir.resolve("run-data")));
        Path log = dir.resolve("run.log");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        MailroomProcess.withoutInheritedSettings(builder);
        Process process = builder.start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES))
                .as("the run exits once refreshed")
                .isTrue();

        assertThat(process.exitValue()).as("exit code; its log: %s", tail(log)).isZero();
        assertThat(Files.readAllLines(log))
                .anyMatch(line -> line.contains("dev.mailroom.server.MailroomApplication")
                        && line.contains("shared objects file"));
    }

    @Test
    void aJarThatCannotBeExtractedIsLaunchedAsItIs(@TempDir Path dir) throws Exception {
        Path notAJar = Files.writeString(dir.resolve("mailroom.jar"), "not a jar");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        StartupArchive launch = StartupArchive.prepare(
                notAJar,
                dir.resolve("archive"),
                List.of("-Xmx64m"),
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(launch).isEqualTo(StartupArchive.none(notAJar, List.of("-Xmx64m")));
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("not used")
                .contains("extracting failed");
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
