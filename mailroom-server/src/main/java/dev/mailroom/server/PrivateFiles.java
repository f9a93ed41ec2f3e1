package dev.mailroom.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Secrets Mailroom generates and keeps on disk (API key, sandbox webhook secret, embedded broker
 * password): created readable by the owner only (0600, in a 0700 directory), where the file
 * system has POSIX permissions, and never written over.
 */
public final class PrivateFiles {
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final SecureRandom RANDOM = new SecureRandom();

    private PrivateFiles() {
    }

    /** Creates the directory (and its parents) owner-only if it does not exist yet. */
    public static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (dir.getParent() != null) {
            Files.createDirectories(dir.getParent());
        }
        try {
            Files.createDirectory(dir, posix(dir.getParent()) ? new FileAttribute<?>[] {OWNER_ONLY_DIR} : new FileAttribute<?>[0]);
        } catch (FileAlreadyExistsException raced) {
            // Another process of this installation created it first.
        }
    }

    /**
     * The secret kept in {@code file}, or a new random one ({@code prefix} + 48 hex digits) written
     * there owner-only. Two processes starting together agree: the file is created exclusively.
     *
     * @param instead what the user can do when the file cannot be written (named in the error)
     */
    public static Secret readOrCreateSecret(Path file, String prefix, String instead) {
        try {
            if (!Files.exists(file)) {
                createPrivateDirectory(file.getParent());
                byte[] random = new byte[24];
                RANDOM.nextBytes(random);
                String secret = prefix + HexFormat.of().formatHex(random);
                // Written whole under a temporary name, then linked into place: the name appears
                // with its content or not at all, and a second process starting at the same time
                // either wins the link or reads the winner's secret.
                Path partial = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".new",
                        posix(file.getParent()) ? new FileAttribute<?>[] {OWNER_ONLY_FILE} : new FileAttribute<?>[0]);
                try {
                    Files.writeString(partial, secret + "\n", StandardCharsets.UTF_8);
                    Files.createLink(file, partial);
                    return new Secret(secret, true);
                } catch (FileAlreadyExistsException raced) {
                    // Another process of this installation wrote it first: use theirs.
                } finally {
                    Files.deleteIfExists(partial);
                }
            }
            String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (secret.isEmpty()) {
                throw new IllegalStateException("the secret file " + file + " is empty; delete it or " + instead);
            }
            return new Secret(secret, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file + "; " + instead, e);
        }
    }

    /** @param created whether this start generated it (and so may show it, once) */
    public record Secret(String value, boolean created) {
    }

    private static boolean posix(Path dir) throws IOException {
        return dir != null && Files.getFileStore(dir).supportsFileAttributeView("posix");
    }
}
