package dev.cyberia.keystore.internal;

import dev.cyberia.keystore.InvalidKeyInputException;
import dev.cyberia.keystore.KeystoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/** Owner-only folders (0700) and files (0600), written atomically and never overwritten. */
public final class PrivateFiles {
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {}

    /**
     * Creates {@code dir} (and parents) as 0700, or tightens an existing one to 0700.
     *
     * @throws InvalidKeyInputException when it cannot be created or written, naming {@code what}
     */
    public static void ensureDirectory(Path dir, String what) {
        try {
            if (Files.isDirectory(dir)) {
                if (supportsPosix(dir) && !Files.getPosixFilePermissions(dir).equals(DIR)) {
                    Files.setPosixFilePermissions(dir, DIR);
                }
            } else {
                Files.createDirectories(dir.toAbsolutePath().getParent());
                if (supportsPosix(dir.toAbsolutePath().getParent())) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR));
                } else {
                    Files.createDirectory(dir);
                }
            }
            if (!Files.isWritable(dir)) {
                throw new InvalidKeyInputException(what + " " + dir + " is not writable; choose another with --home");
            }
        } catch (FileAlreadyExistsException e) {
            throw new InvalidKeyInputException(what + " " + dir + " cannot be created: " + e.getFile()
                    + " is a file, not a folder; choose another with --home");
        } catch (AccessDeniedException e) {
            throw new InvalidKeyInputException(what + " " + dir + " is not writable (permission denied on "
                    + e.getFile() + "); choose another with --home");
        } catch (FileSystemException e) {
            throw new InvalidKeyInputException(
                    what + " " + dir + " is not writable (" + reason(e) + "); choose another with --home");
        } catch (IOException e) {
            throw new KeystoreException("cannot prepare " + what + " " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code content} to {@code target} as 0600: to a temporary file in the same folder,
     * flushed to disk, then linked into place, which fails if {@code target} exists. No partial
     * file is left behind on any failure.
     *
     * @throws InvalidKeyInputException when {@code target} exists already
     */
    public static void writeNew(Path target, byte[] content) {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try (FileChannel channel = supportsPosix(dir)
                    ? FileChannel.open(temp, options, PosixFilePermissions.asFileAttribute(FILE))
                    : FileChannel.open(temp, options)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.createLink(target, temp);
            } catch (UnsupportedOperationException noHardLinks) {
                Files.move(temp, target);
            }
        } catch (FileAlreadyExistsException e) {
            throw new InvalidKeyInputException(target + " exists already; it is never overwritten");
        } catch (AccessDeniedException e) {
            throw new InvalidKeyInputException("cannot write " + target + ": permission denied");
        } catch (IOException e) {
            throw new KeystoreException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a leftover dot-file holds only what the target holds; nothing secret beyond it
            }
        }
    }

    /** Holds an exclusive lock on {@code dir/.lock} until closed, serialising writers across processes. */
    public static AutoCloseable lock(Path dir) {
        try {
            FileChannel channel = supportsPosix(dir)
                    ? FileChannel.open(
                            dir.resolve(".lock"),
                            EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                            PosixFilePermissions.asFileAttribute(FILE))
                    : FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            var lock = channel.lock();
            return () -> {
                lock.release();
                channel.close();
            };
        } catch (IOException e) {
            throw new KeystoreException("cannot lock " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean supportsPosix(Path path) {
        return Files.getFileAttributeView(
                        path, java.nio.file.attribute.PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                != null;
    }

    private static String reason(FileSystemException e) {
        return e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
    }
}
