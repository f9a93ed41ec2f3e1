package dev.mailroom.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Files of one installation that only its own user may read: the data directory and the
 * directories in it are 0700, the secrets and databases in it 0600 (POSIX permissions, where
 * the file system has them; elsewhere the file system's defaults apply).
 *
 * <p>Java cannot set the process's umask, so files that a library creates later (a database's
 * next log file) get the umask's mode; they are private all the same because every directory
 * above them, up to the data directory, is 0700 — which is why the directory is made private
 * before anything writes into it.
 */
public final class DataDirectory {
    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private DataDirectory() {}

    /**
     * Creates {@code dir} (and missing parents) if needed and makes it 0700, whoever created it:
     * a data directory left readable by an older version is closed too.
     *
     * @return the directory, absolute
     */
    public static Path ensurePrivate(Path dir) {
        Path absolute = dir.toAbsolutePath();
        try {
            if (!Files.isDirectory(absolute)) {
                if (isPosix(nearestExisting(absolute))) {
                    Files.createDirectories(absolute, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
                } else {
                    Files.createDirectories(absolute);
                }
            }
            setPermissions(absolute, PRIVATE_DIRECTORY);
            return absolute;
        } catch (FileAlreadyExistsException e) {
            throw new UncheckedIOException(
                    "cannot use " + absolute + " as a directory: a file of that name is in the way", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the private directory " + absolute, e);
        }
    }

    /**
     * Writes {@code content} to {@code file}, readable and writable by the owner only (0600), in
     * a private parent directory. Atomic: a reader sees the old content or the new, never a part,
     * and the file is never readable by others, not even for a moment.
     */
    public static void writePrivateFile(Path file, String content) {
        Path absolute = file.toAbsolutePath();
        Path dir = ensurePrivate(absolute.getParent());
        Path temp = null;
        try {
            // createTempFile makes the file 0600 from the start on POSIX file systems.
            temp = Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp", privateFileAttributes(dir));
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the private file " + absolute, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: the original failure is the one to report
                }
            }
        }
    }

    /**
     * The content of {@code file} without surrounding white space; when there is no such file,
     * {@code generator}'s value, first written there owner-only. An existing file is made 0600
     * (an older version may have written it readable by others).
     */
    public static String readOrCreatePrivateFile(Path file, Supplier<String> generator) {
        return readOrCreateSecret(file, generator).value();
    }

    /** @param created whether this call generated it (and so may show it, once) */
    public record Secret(String value, boolean created) {}

    /**
     * Like {@link #readOrCreatePrivateFile}, and says whether the value was made now. The new file
     * is written whole under a temporary name and then linked into place, which fails if the name
     * exists: two processes of one installation starting together agree on one value.
     */
    public static Secret readOrCreateSecret(Path file, Supplier<String> generator) {
        Path absolute = file.toAbsolutePath();
        Path dir = ensurePrivate(absolute.getParent());
        try {
            if (!Files.exists(absolute)) {
                String value = generator.get().strip();
                Path temp = Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp", privateFileAttributes(dir));
                try {
                    Files.writeString(temp, value + "\n", StandardCharsets.UTF_8);
                    Files.createLink(absolute, temp);
                    return new Secret(value, true);
                } catch (FileAlreadyExistsException raced) {
                    // Another process of this installation wrote it first: use theirs.
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
            setPermissions(absolute, PRIVATE_FILE);
            String value = Files.readString(absolute, StandardCharsets.UTF_8).strip();
            if (value.isEmpty()) {
                throw new IllegalStateException(absolute + " is empty: delete it to have a new one generated");
            }
            return new Secret(value, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + absolute, e);
        }
    }

    /** {@code prefix} and 48 random hex digits (192 bits). */
    public static String randomSecret(String prefix) {
        byte[] random = new byte[24];
        RANDOM.nextBytes(random);
        return prefix + java.util.HexFormat.of().formatHex(random);
    }

    /**
     * Makes every directory under {@code dir} (itself included) 0700 and every file 0600, as they
     * are now. Best effort: a file that disappears meanwhile (a database's temporary file) is
     * skipped.
     */
    public static void makePrivate(Path dir) {
        Path absolute = dir.toAbsolutePath();
        if (!Files.isDirectory(absolute) || !isPosix(absolute)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(absolute)) {
            // A link is not followed: what it points to is not this directory's to change.
            paths.filter(p -> !Files.isSymbolicLink(p)).forEach(p -> {
                try {
                    setPermissions(p, Files.isDirectory(p) ? PRIVATE_DIRECTORY : PRIVATE_FILE);
                } catch (IOException e) {
                    // gone meanwhile, or not ours: nothing to tighten
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a directory vanished during the walk; what was walked is private
        }
    }

    private static FileAttribute<?>[] privateFileAttributes(Path dir) {
        return isPosix(dir)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PRIVATE_FILE)}
                : new FileAttribute<?>[0];
    }

    private static void setPermissions(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (isPosix(path)) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    private static boolean isPosix(Path path) {
        return Files.getFileAttributeView(path, PosixFileAttributeView.class) != null;
    }

    private static Path nearestExisting(Path path) {
        Path p = path;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p == null ? path.getRoot() : p;
    }
}
