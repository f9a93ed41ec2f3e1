package dev.mailroom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoriesTest {
    @TempDir
    Path temp;

    @Test
    void aTreeGoesWholeAndItsNeighbourStays() throws Exception {
        Path run = temp.resolve("run");
        Files.createDirectories(run.resolve("logs/operator-1"));
        Files.writeString(run.resolve("logs/operator-1/out.log"), "line");
        Files.writeString(run.resolve("report.md"), "# report");
        Path neighbour = Files.writeString(temp.resolve("kept.txt"), "kept");

        Directories.deleteTree(run);

        assertThat(run).doesNotExist();
        assertThat(neighbour).hasContent("kept");
    }

    @Test
    void aDirectoryThatIsNotThereIsNoError() throws Exception {
        Directories.deleteTree(temp.resolve("never-made"));

        assertThat(temp).isEmptyDirectory();
    }
}
