package dev.mailroom.sdks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's "Your first email" shows only examples a test runs: each example file must appear in
 * README.md verbatim as the whole content of a fenced code block (GeneratedClientsIT runs the files).
 * Another module's example is added by listing its path (from the repository root) here. A file that marks a
 * region with {@code README:begin} and {@code README:end} comment lines (a Java example inside a test class) is shown
 * by its region: the region, without its common indentation, must appear in one block, which may say more around it
 * (the closing brace of a {@code try}, say).
 *
 */
class ReadmeExamplesTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "mailroom-sdks/src/test/examples/first-email.sh",
                "mailroom-sdks/src/test/examples/first-email.ts",
                "mailroom-sdks/src/test/examples/first_email.py",
                "mailroom-server/src/test/java/dev/mailroom/server/client/FirstEmailExample.java"
            })
    void theReadmeShowsTheTestedExampleVerbatimInAFencedBlock(String example) throws IOException {
        String file = normalized(Files.readString(ROOT.resolve(example), StandardCharsets.UTF_8));
        List<String> blocks = fencedBlocks(Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8));
        String region = markedRegion(file);
        if (region == null) {
            assertThat(blocks)
                    .as(
                            "README.md must show %s verbatim as a fenced code block (the tested example):%n```%n%s%n```",
                            example, file)
                    .contains(file);
        } else {
            assertThat(blocks)
                    .as(
                            "README.md must show the README region of %s verbatim in a fenced code block:%n%s",
                            example, region)
                    .anyMatch(block -> block.contains(region));
        }
    }

    @Test
    void aMarkedRegionIsTheLinesBetweenTheMarkersWithoutTheirCommonIndentation() {
        String java = "class A {\n    void a() {\n        // README:begin\n        try (X x = x()) {\n"
                + "            x.go();\n        // README:end\n    }\n}\n";

        assertThat(markedRegion(java)).isEqualTo("try (X x = x()) {\n    x.go();");
        assertThat(markedRegion("echo one")).isNull();
    }

    /** The lines between {@code README:begin} and {@code README:end}, dedented; null when the file has no markers. */
    static String markedRegion(String file) {
        List<String> lines = List.of(normalized(file).split("\n", -1));
        int begin = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("README:begin")) {
                begin = i;
            } else if (lines.get(i).contains("README:end")) {
                end = i;
            }
        }
        if (begin < 0 || end <= begin) {
            return null;
        }
        List<String> region = lines.subList(begin + 1, end);
        int indent = region.stream()
                .filter(line -> !line.isBlank())
                .mapToInt(line -> line.length() - line.stripLeading().length())
                .min()
                .orElse(0);
        return normalized(String.join(
                "\n",
                region.stream()
                        .map(line -> line.isBlank() ? "" : line.substring(indent))
                        .toList()));
    }

    @Test
    void aFencedBlockIsReadWholeAndOnlyUntilItsOwnFence() {
        String markdown = "text\n```bash\necho one\n```\n\n````md\n```js\nx\n```\n````\n~~~\nlast\n";

        assertThat(fencedBlocks(markdown)).containsExactly("echo one", "```js\nx\n```");
        assertThat(fencedBlocks(markdown)).doesNotContain("echo");
    }

    /** The content of every ``` / ~~~ fenced block (CommonMark: closed by the same fence, at least as long). */
    static List<String> fencedBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        String fence = null;
        StringBuilder block = new StringBuilder();
        for (String line : normalized(markdown).split("\n", -1)) {
            String trimmed = line.strip();
            if (fence == null) {
                if (trimmed.startsWith("```") || trimmed.startsWith("~~~")) {
                    char c = trimmed.charAt(0);
                    int n = 0;
                    while (n < trimmed.length() && trimmed.charAt(n) == c) {
                        n++;
                    }
                    fence = trimmed.substring(0, n);
                    block.setLength(0);
                }
            } else if (closes(trimmed, fence)) {
                blocks.add(normalized(block.toString()));
                fence = null;
            } else {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }

    private static boolean closes(String line, String fence) {
        return line.startsWith(fence) && line.chars().allMatch(ch -> ch == fence.charAt(0));
    }

    /** Line ends and trailing blank lines do not count. */
    private static String normalized(String text) {
        return text.replace("\r\n", "\n").stripTrailing();
    }
}
