package org.nn4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files written whole or not at all: the bytes go to a temporary file beside the target, are forced
 * to disk, and the temporary file is renamed over the target. A crash leaves the old file or the new
 * one, never a mix; a temporary file that a killed run left behind is removed by the next write of
 * the same file.
 *
 * <p>Only regular files are written: a path naming a directory, a device, a FIFO or the like is
 * refused, and a symbolic link is followed, its target replaced and the link kept (a link to a device,
 * such as {@code /dev/stdout}, is refused too; a link to nothing is refused).
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /** Writes {@code parts}, one after the other, as the new contents of {@code file}. */
    public static void write(Path file, ByteBuffer... parts) throws IOException {
        write(file, out -> {
            for (ByteBuffer part : parts) {
                while (part.hasRemaining()) {
                    out.write(part);
                }
            }
        });
    }

    /** What a file is to hold, written to a channel: large contents need not be in memory at once. */
    @FunctionalInterface
    public interface Contents {
        /** Writes the contents to {@code out}. */
        void writeTo(WritableByteChannel out) throws IOException;
    }

    /** Writes what {@code contents} writes as the new contents of {@code file}. */
    public static void write(Path file, Contents contents) throws IOException {
        Path target = target(file);
        Path directory = target.getParent();
        Files.createDirectories(directory);
        removeStale(directory, target.getFileName().toString());
        Path temporary = Files.createTempFile(directory, "." + target.getFileName(), ".partial");
        try {
            keepPermissions(target, temporary);
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                contents.writeTo(out);
                out.force(true);
            }
            move(temporary, target);
        } finally {
            Files.deleteIfExists(temporary);
        }
        syncDirectory(directory);
    }

    /**
     * Renames {@code from} to {@code to} in one step, replacing {@code to}, and makes the rename
     * durable: a crash leaves the one name or the other.
     */
    public static void rename(Path from, Path to) throws IOException {
        move(from, to);
        syncDirectory(to.toAbsolutePath().getParent());
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes renames in {@code directory} durable; a file system that cannot sync a directory only loses durability. */
    private static void syncDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // The files are complete either way.
        }
    }

    /**
     * The file that writing {@code file} replaces: {@code file} itself, absolute, or the target of the
     * symbolic link it is.
     *
     * @throws InvalidInputException naming {@code file}, when it is not (or links to something that is
     *     not) a regular file, or is a link to nothing
     */
    public static Path target(Path file) {
        Path absolute = file.toAbsolutePath();
        Path target = absolute;
        if (Files.isSymbolicLink(absolute)) {
            try {
                target = absolute.toRealPath();
            } catch (IOException e) {
                throw new InvalidInputException(file + ": a symbolic link to nothing; nn4j writes to a link's target");
            }
        }
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            throw new InvalidInputException(file + ": not a regular file (" + (Files.isDirectory(target) ? "a directory"
                    : "a device, a FIFO or a socket") + "); nn4j writes only regular files");
        }
        return target;
    }

    /**
     * Checks, before any work, that {@code file} can be written: a regular file or none, in a directory
     * that exists (or can be made) and can be written, and writable itself when it exists.
     *
     * @throws InvalidInputException naming {@code file} and what stands in the way
     */
    public static void requireWritable(Path file) {
        Path target = target(file);
        Path directory = target.getParent();
        Path existing = directory;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw new InvalidInputException(file + ": cannot be written: " + existing + " is not a directory");
        }
        if (!Files.isWritable(existing)) {
            throw new InvalidInputException(file + ": cannot be written: permission denied in " + existing);
        }
        if (Files.exists(target) && !Files.isWritable(target)) {
            throw new InvalidInputException(file + ": cannot be written: permission denied");
        }
    }

    /** Deletes temporary files of {@code name} that a killed run left: older than this JVM. */
    private static void removeStale(Path directory, String name) {
        long started = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        try (java.util.stream.Stream<Path> files = Files.list(directory)) {
            files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("." + name) && n.endsWith(".partial")
                        && n.substring(name.length() + 1, n.length() - ".partial".length()).matches("\\d+");
            }).forEach(p -> {
                try {
                    if (Files.getLastModifiedTime(p).toMillis() < started) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException e) {
                    // Left for a later write.
                }
            });
        } catch (IOException e) {
            // Listing failed: the write itself will say what is wrong.
        }
    }

    /** The replaced file's permissions, or those of an ordinary new file, not the temporary file's owner-only ones. */
    private static void keepPermissions(Path target, Path temporary) throws IOException {
        if (!temporary.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.exists(target) ? Files.getPosixFilePermissions(target)
                : PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(temporary, permissions);
    }

    /** Writes {@code bytes} as the new contents of {@code file}. */
    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, ByteBuffer.wrap(bytes));
    }
}
