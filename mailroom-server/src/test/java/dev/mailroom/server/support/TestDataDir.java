package dev.mailroom.server.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One fresh data directory per test JVM, so the embedded H2 never sees a previous run's rows. */
public final class TestDataDir {
    public static final Path PATH = create();

    private TestDataDir() {
    }

    private static Path create() {
        try {
            Files.createDirectories(Path.of("target"));
            return Files.createTempDirectory(Path.of("target").toAbsolutePath(), "mailroom-data-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
