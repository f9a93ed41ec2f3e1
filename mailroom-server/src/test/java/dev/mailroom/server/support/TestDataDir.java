package dev.mailroom.server.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fresh data directories under target/, so the embedded H2 never sees a previous run's rows. */
public final class TestDataDir {
    private TestDataDir() {}

    public static Path create() {
        try {
            Files.createDirectories(Path.of("target"));
            return Files.createTempDirectory(Path.of("target").toAbsolutePath(), "mailroom-data-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
