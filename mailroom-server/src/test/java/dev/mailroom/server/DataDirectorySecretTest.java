package dev.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectorySecretTest {
    @TempDir
    Path temp;

    @Test
    void aGeneratedSecretIsKeptOwnerOnlyAndTheSameOnEveryLaterStart() throws Exception {
        Path file = temp.resolve("data").resolve("secret");

        DataDirectory.Secret first = DataDirectory.readOrCreateSecret(file, () -> DataDirectory.randomSecret("mr_"));
        DataDirectory.Secret again = DataDirectory.readOrCreateSecret(file, () -> DataDirectory.randomSecret("mr_"));

        assertThat(first.created()).isTrue();
        assertThat(first.value()).startsWith("mr_").hasSize(3 + 48);
        assertThat(again.created()).isFalse();
        assertThat(again.value()).isEqualTo(first.value());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        try (var leftovers = Files.list(file.getParent())) {
            assertThat(leftovers).containsExactly(file);
        }
    }
}
