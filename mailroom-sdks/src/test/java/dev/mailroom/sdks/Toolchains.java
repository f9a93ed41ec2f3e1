package dev.mailroom.sdks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the TypeScript and Python scripts against the generated clients. Where a tool is missing the
 * calling test is skipped (an aborted assumption naming what to install), never failed or passed.
 */
final class Toolchains {
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path GENERATED =
            Path.of(System.getProperty("sdks.output", "target/generated-sdks")).toAbsolutePath();
    static final Path TARGET = MODULE.resolve("target");
    static final Path TEST_SOURCES = MODULE.resolve("src/test");
    static final Path EXAMPLES = TEST_SOURCES.resolve("examples");

    /** Debian's interpreter, where python3-pydantic & co. are installed (not a pyenv one on PATH). */
    static final String PYTHON = System.getProperty("sdks.python", "/usr/bin/python3");

    // Overridable to see the skips happen (-Dsdks.node=/nowhere) on a machine that has the tools.
    static final String NODE = System.getProperty("sdks.node", "node");
    static final String NPM = System.getProperty("sdks.npm", "npm");

    private static Path compiledTypeScript;

    private Toolchains() {}

    record Result(int exitCode, String stdout, String stderr) {
        /** The last line of stdout: every script prints its JSON result last. */
        String lastLine() {
            List<String> lines = stdout.strip().lines().toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }

        Result assertSucceeded(String what) {
            assertThat(exitCode)
                    .as("%s exited with %d%nstdout:%n%s%nstderr:%n%s", what, exitCode, stdout, stderr)
                    .isZero();
            return this;
        }
    }

    static Result run(List<String> command, Path dir, Map<String, String> env, Duration timeout) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> out = read(process.getInputStream());
            CompletableFuture<String> err = read(process.getErrorStream());
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, out.getNow(""), "timed out after " + timeout + "\n" + err.getNow(""));
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            return new Result(-1, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static CompletableFuture<String> read(java.io.InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static boolean works(String... command) {
        return run(List.of(command), MODULE, Map.of(), Duration.ofSeconds(30)).exitCode() == 0;
    }

    /**
     * The generated TypeScript client copied as {@code ./mailroom-client} beside the scripts (the layout
     * the README's example assumes), compiled with the pinned TypeScript installed from the npm registry
     * into target/. Skips the test when node or npm is missing or the registry cannot be reached.
     */
    static synchronized Path compiledTypeScript() throws IOException {
        if (compiledTypeScript != null) {
            return compiledTypeScript;
        }
        need(
                works(NODE, "-e", "if (typeof fetch !== 'function') process.exit(1)"),
                "SKIPPED: Node.js 18+ (global fetch) is not installed (apt-get install nodejs npm):"
                        + " the generated TypeScript client is not tested");
        need(
                works(NPM, "--version"),
                "SKIPPED: npm is not installed (apt-get install npm): the generated TypeScript client is not tested");
        Path tools = TARGET.resolve("node-tools");
        Path tsc = tools.resolve("node_modules/typescript/bin/tsc");
        String typescript = "typescript@" + System.getProperty("sdks.typescript.version", "5.9.3");
        String nodeTypes = "@types/node@" + System.getProperty("sdks.types-node.version", "20.19.25");
        if (!Files.isRegularFile(tsc)) {
            Files.createDirectories(tools);
            Result install = run(
                    List.of(
                            NPM,
                            "install",
                            "--no-save",
                            "--no-audit",
                            "--no-fund",
                            "--prefix",
                            tools.toString(),
                            typescript,
                            nodeTypes),
                    tools,
                    Map.of(),
                    Duration.ofMinutes(3));
            need(
                    install.exitCode() == 0,
                    () -> "SKIPPED: npm could not install " + typescript + " and " + nodeTypes
                            + " from the npm registry: " + install.stderr().strip());
        }

        Path work = TARGET.resolve("sdk-typescript");
        deleteRecursively(work);
        copyTree(GENERATED.resolve("typescript/src"), work.resolve("mailroom-client"));
        Files.copy(TEST_SOURCES.resolve("typescript/sdk-check.ts"), work.resolve("sdk-check.ts"));
        Files.copy(EXAMPLES.resolve("first-email.ts"), work.resolve("first-email.ts"));
        Files.writeString(work.resolve("tsconfig.json"), """
                {
                  "compilerOptions": {
                    "target": "es2020",
                    "module": "commonjs",
                    "lib": ["es2020", "dom"],
                    "types": ["node"],
                    "typeRoots": ["%s"],
                    "strict": true,
                    "skipLibCheck": true,
                    "outDir": "out"
                  },
                  "files": ["sdk-check.ts", "first-email.ts"]
                }
                """.formatted(
                        tools.resolve("node_modules/@types").toString().replace("\\", "/")));
        run(List.of(NODE, tsc.toString(), "-p", work.toString()), work, Map.of(), Duration.ofMinutes(3))
                .assertSucceeded("tsc (the generated client, sdk-check.ts and first-email.ts)");
        compiledTypeScript = work.resolve("out");
        return compiledTypeScript;
    }

    /** Runs compiled JavaScript from {@link #compiledTypeScript()}. */
    static Result node(Path script, Map<String, String> env) {
        return run(List.of(NODE, script.toString()), script.getParent(), env, Duration.ofMinutes(2));
    }

    /** Skips the test unless Debian's python3 has every module the generated client imports. */
    static void assumePython() {
        need(
                Files.isExecutable(Path.of(PYTHON)),
                "SKIPPED: " + PYTHON + " is not installed: the generated Python client is not tested");
        Result check = run(
                List.of(
                        PYTHON,
                        "-c",
                        "import pydantic, urllib3, dateutil; assert pydantic.VERSION.startswith('1.'), pydantic.VERSION"),
                MODULE,
                Map.of(),
                Duration.ofSeconds(30));
        need(
                check.exitCode() == 0,
                () -> "SKIPPED: the generated Python client needs Debian's pydantic 1, urllib3 and dateutil"
                        + " (apt-get install python3-pydantic python3-urllib3 python3-dateutil): "
                        + check.stderr().strip());
    }

    /** Runs a Python script with the generated client importable as {@code mailroom_client}. */
    static Result python(Path script, Path dir, Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("PYTHONPATH", GENERATED.resolve("python").toString());
        all.put("PYTHONDONTWRITEBYTECODE", "1");
        return run(List.of(PYTHON, script.toString()), dir, all, Duration.ofMinutes(2));
    }

    static void assumeCurl() {
        need(
                works("bash", "-c", "command -v curl && command -v sed"),
                "SKIPPED: bash, curl or sed is missing: the curl example is not run");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /**
     * Where {@code MAILROOM_TOOLS_REQUIRED=true} (set by .ci/run, which installs every tool), a missing tool fails the
     * test instead of skipping it, so that CI cannot go green without running the generated clients.
     */
    static final boolean TOOLS_REQUIRED = "true".equalsIgnoreCase(System.getenv("MAILROOM_TOOLS_REQUIRED"));

    static void need(boolean present, String message) {
        need(present, () -> message);
    }

    static void need(boolean present, java.util.function.Supplier<String> message) {
        if (TOOLS_REQUIRED && !present) {
            throw new AssertionError("MAILROOM_TOOLS_REQUIRED is set, but: " + message.get());
        }
        assumeTrue(present, message);
    }
}
