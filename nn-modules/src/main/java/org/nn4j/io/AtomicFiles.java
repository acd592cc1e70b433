package org.nn4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.Charset;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Files written whole or not at all: the bytes go to a temporary file beside the target, are forced
 * to disk, and the temporary file is renamed over the target. A crash leaves the old file or the new
 * one, never a mix; a temporary file that a killed run left behind is removed by the next write of
 * the same file, and one that a signal (SIGTERM, SIGINT, SIGHUP) interrupts is removed as the JVM
 * shuts down.
 *
 * <p>Only regular files are written: a path naming a directory, a device, a FIFO or the like is
 * refused, and a symbolic link is followed, its target replaced and the link kept (a link to a device,
 * such as {@code /dev/stdout}, is refused too; a link to nothing is refused).
 *
 * <p>A write that fails throws {@link UnwritableFileException}, whose message names the file and the
 * cause in words (no space left on the device, a read-only file system, a name too long for the file
 * system); {@link #requireWritable} finds what it can of these before any work, by writing and renaming
 * a probe file in the target's directory.
 */
public final class AtomicFiles {
    /** Temporary files are named {@code .NAME<digits>.partial}. */
    private static final String SUFFIX = ".partial";
    /**
     * The longest name (in bytes) that a temporary file's name holds whole; a longer one is shortened
     * and a hash of it added, so that temporary names stay far below every file system's limit on a
     * name (255 bytes on most, 143 on eCryptfs) whatever the target's name.
     */
    private static final int WHOLE_NAME_BYTES = 100;
    /** The file systems of the kernel's own (processes, devices, control groups), which hold no user files. */
    private static final Set<String> KERNEL_FILE_SYSTEMS = Set.of("proc", "sysfs", "cgroup", "cgroup2", "debugfs",
            "tracefs", "securityfs", "pstore", "bpf", "configfs", "efivarfs", "fusectl", "binfmt_misc", "mqueue",
            "devpts", "hugetlbfs", "autofs", "nsfs", "rpc_pipefs", "selinuxfs");
    /** The longest path the kernel takes, in bytes (Linux's PATH_MAX less the terminating zero). */
    private static final int PATH_MAX = 4095;

    /** The temporary files being written now: a shutdown (a signal) removes them. */
    private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOKED = new AtomicBoolean();
    private static volatile boolean shuttingDown;

    /** How the bytes reach a temporary file; tests put a disk that fills (or a slow one) in its place. */
    interface Sink {
        void write(Path temporary, FileChannel out, ByteBuffer part) throws IOException;
    }

    static volatile Sink sink = (temporary, out, part) -> {
        while (part.hasRemaining()) {
            out.write(part);
        }
    };

    /** What a write was doing when it failed, for the words of the cause. */
    private enum Step { DIRECTORY, CREATE, WRITE, RENAME, REMOVE }

    private AtomicFiles() {
    }

    /**
     * Writes {@code parts}, one after the other, as the new contents of {@code file}.
     *
     * @throws UnwritableFileException naming {@code file} and the cause; the file is as it was
     * @throws InvalidInputException when {@code file} is not a regular file (see {@link #target})
     */
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
        String name = target.getFileName().toString();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UnwritableFileException(file, reason(e, directory, name, null, Step.DIRECTORY), e);
        }
        removeStale(directory, name);
        Path temporary;
        try {
            temporary = Files.createTempFile(directory, temporaryPrefix(name), SUFFIX);
        } catch (IOException e) {
            throw new UnwritableFileException(file, reason(e, directory, name, null, Step.CREATE), e);
        }
        track(temporary);
        Step step = Step.WRITE;
        try {
            if (shuttingDown) {
                throw new UnwritableFileException(file, "the JVM is shutting down", null);
            }
            keepPermissions(target, temporary);
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                contents.writeTo(new WritableByteChannel() {
                    @Override
                    public int write(ByteBuffer part) throws IOException {
                        int n = part.remaining();
                        sink.write(temporary, out, part);
                        return n;
                    }

                    @Override
                    public boolean isOpen() {
                        return out.isOpen();
                    }

                    @Override
                    public void close() {
                        // The file is closed by the write that opened it.
                    }
                });
                out.force(true);
            }
            step = Step.RENAME;
            move(temporary, target);
        } catch (IOException e) {
            String why = shuttingDown ? "the JVM is shutting down"
                    : reason(e, directory, name, temporary.getFileName().toString(), step);
            throw new UnwritableFileException(file, why + stays(temporary), e);
        } finally {
            remove(temporary);
            IN_FLIGHT.remove(temporary);
        }
        syncDirectory(directory);
    }

    /**
     * Renames {@code from} to {@code to} in one step, replacing {@code to}, and makes the rename
     * durable: a crash leaves the one name or the other.
     */
    public static void rename(Path from, Path to) throws IOException {
        Path directory = to.toAbsolutePath().getParent();
        try {
            move(from, to);
        } catch (IOException e) {
            throw new UnwritableFileException(to, reason(e, directory, to.getFileName().toString(),
                    from.getFileName().toString(), Step.RENAME), e);
        }
        syncDirectory(directory);
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

    /** Writes {@code bytes} as the new contents of {@code file}. */
    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, ByteBuffer.wrap(bytes));
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
     * that exists (or can be made) on a regular file system (not /proc or /sys) that is not read-only,
     * and that can be written, and writable itself when it exists. A probe file of the length of the temporary file's
     * name is then made in that directory, renamed to a name of {@code file}'s length, written, and
     * removed: this finds a full disk, a name too long for the file system and a directory that forbids
     * renames (append-only) before any work. In an append-only directory, which forbids removing files
     * too, the empty probe file stays, and the message says so.
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
        String kernel = kernelFileSystem(existing);
        if (kernel != null) {
            throw new InvalidInputException(file + ": cannot be written: " + kernel);
        }
        if (readOnly(existing)) {
            throw new InvalidInputException(file + ": cannot be written: read-only file system (" + existing + ")");
        }
        // The probe says why a directory cannot be written: permission, or a read-only mount that the
        // file store does not show (a read-only bind mount).
        probe(file, existing, target.getFileName().toString());
        if (Files.exists(target) && !Files.isWritable(target)) {
            throw new InvalidInputException(file + ": cannot be written: permission denied");
        }
    }

    /**
     * Creates a temporary file of {@code name} in {@code directory}, renames it to a name of {@code
     * name}'s length, writes a byte to it and removes it.
     */
    private static void probe(Path file, Path directory, String name) {
        Path temporary;
        try {
            temporary = Files.createTempFile(directory, temporaryPrefix(name), SUFFIX);
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot be written: "
                    + reason(e, directory, name, null, Step.CREATE), e);
        }
        track(temporary);
        Path renamed = directory.resolve(probeName(name));
        track(renamed);
        Step step = Step.RENAME;
        try {
            Files.move(temporary, renamed, StandardCopyOption.ATOMIC_MOVE);
            step = Step.WRITE;
            try (FileChannel out = FileChannel.open(renamed, StandardOpenOption.WRITE)) {
                sink.write(renamed, out, ByteBuffer.wrap(new byte[] {'n'}));
                out.force(true);
            }
            step = Step.REMOVE;
            Files.delete(renamed);
        } catch (IOException e) {
            String why = step == Step.REMOVE ? "the directory " + directory + " forbids removing files ("
                    + words(e) + ")" : reason(e, directory, name, temporary.getFileName().toString(), step);
            throw new InvalidInputException(file + ": cannot be written: " + why + stays(temporary) + stays(renamed),
                    e);
        } finally {
            remove(temporary);
            remove(renamed);
            IN_FLIGHT.remove(temporary);
            IN_FLIGHT.remove(renamed);
        }
    }

    /** A name for the probe's rename, unused, as long as {@code name} (in bytes) or longer. */
    private static String probeName(String name) {
        StringBuilder probe = new StringBuilder(".nn4j-probe-")
                .append(Long.toUnsignedString(ThreadLocalRandom.current().nextLong()));
        int length = bytes(name);
        while (probe.length() < length) {
            probe.append('-');
        }
        return probe.toString();
    }

    /**
     * How temporary files of {@code name} begin: a dot and the name, or for a name longer than {@link
     * #WHOLE_NAME_BYTES}, its beginning and a hash of the whole.
     */
    static String temporaryPrefix(String name) {
        if (bytes(name) <= WHOLE_NAME_BYTES) {
            return "." + name;
        }
        int end = 0;
        int used = 0;
        while (end < name.length()) {
            int next = end + Character.charCount(name.codePointAt(end));
            int size = bytes(name.substring(end, next));
            if (used + size > WHOLE_NAME_BYTES - 10) {
                break;
            }
            used += size;
            end = next;
        }
        return "." + name.substring(0, end) + "~" + String.format(Locale.ROOT, "%08x", name.hashCode());
    }

    /** The cause of {@code e} in words: "no space left on the device". */
    private static String reason(IOException e, Path directory, String name, String temporaryName, Step step) {
        if (e instanceof UnwritableFileException u) {
            return u.reason();
        }
        String kernel = kernelFileSystem(directory);
        if (kernel != null) {
            return kernel;
        }
        if (e instanceof AccessDeniedException) {
            return step == Step.WRITE ? "permission denied" : "permission denied in " + directory;
        }
        if (e instanceof NoSuchFileException) {
            return step == Step.CREATE || step == Step.DIRECTORY ? "no such directory"
                    : "its temporary file disappeared before it was complete";
        }
        String words = words(e);
        switch (words) {
            case "file name too long":
                if (step == Step.DIRECTORY) {
                    return "file name too long (" + (e instanceof FileSystemException f && f.getFile() != null
                            ? f.getFile() : directory) + ")";
                }
                String temporary = temporaryName != null ? temporaryName
                        : e instanceof FileSystemException f && f.getFile() != null
                                ? Path.of(f.getFile()).getFileName().toString()
                                : temporaryPrefix(name) + "12345678901234567890" + SUFFIX;
                return nameTooLong(directory, name, temporary);
            case "operation not permitted":
                if (step == Step.RENAME) {
                    return "the directory " + directory + " forbids renaming files (append-only?), and nn4j writes"
                            + " a file whole by renaming a temporary file over it";
                }
                if (step == Step.CREATE) {
                    return "the directory " + directory + " forbids creating files in it (immutable?)";
                }
                return words;
            case "read-only file system":
                return "read-only file system (" + directory + ")";
            case "no space left on device":
                return "no space left on the device";
            case "input/output error":
                return "input/output error (a failing disk, or a network file system that went away?)";
            case "file too large":
                return "the file is larger than the file system allows";
            default:
                return words;
        }
    }

    /** The operating system's words in {@code e}, lower case: "no space left on device". */
    private static String words(IOException e) {
        String text = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (text == null || text.isBlank()) {
            text = e instanceof AccessDeniedException ? "permission denied" : e.getClass().getSimpleName();
        }
        return text.length() > 1 && Character.isUpperCase(text.charAt(0)) && Character.isLowerCase(text.charAt(1))
                ? Character.toLowerCase(text.charAt(0)) + text.substring(1) : text;
    }

    /** Which name is too long, {@code name}'s or the temporary one's, or the path, with the file system's limit. */
    private static String nameTooLong(Path directory, String name, String temporary) {
        int nameBytes = bytes(name);
        int temporaryBytes = bytes(temporary);
        int pathBytes = Math.max(bytes(directory.resolve(name).toString()), bytes(directory.resolve(temporary)
                .toString()));
        if (pathBytes > PATH_MAX && Math.max(nameBytes, temporaryBytes) <= 255) {
            return "path too long (" + pathBytes + " bytes, the system allows " + PATH_MAX + ")";
        }
        int limit = nameLimit(directory, Math.max(nameBytes, temporaryBytes));
        String allows = limit > 0 ? ", the file system allows " + limit : "";
        if (limit > 0 && nameBytes <= limit && temporaryBytes > limit) {
            return "file name too long for the temporary file written first, " + temporary + " (" + temporaryBytes
                    + " bytes" + allows + ")";
        }
        return "file name too long (" + nameBytes + " bytes" + allows + ")";
    }

    /**
     * The longest name (in bytes) that the file system of {@code directory} takes, found by creating
     * (and removing) files of a binary search's lengths, below {@code tooLong}; -1 when that fails.
     */
    private static int nameLimit(Path directory, int tooLong) {
        String base = ".nn4j-name-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong());
        int fits = base.length();
        int fails = tooLong;
        while (fails - fits > 1) {
            int length = (fits + fails) >>> 1;
            Path probe = directory.resolve(base + "-".repeat(length - base.length()));
            try {
                Files.createFile(probe);
                Files.delete(probe);
                fits = length;
            } catch (FileAlreadyExistsException e) {
                fits = length;
            } catch (FileSystemException e) {
                if (!"file name too long".equals(words(e))) {
                    return -1;
                }
                fails = length;
            } catch (IOException e) {
                return -1;
            }
        }
        return fits < tooLong ? fits : -1;
    }

    /**
     * Why {@code directory} is no place for files, in words, when it is on one of the kernel's own file
     * systems (proc, sysfs) or under /proc or /sys; null for a regular one.
     */
    private static String kernelFileSystem(Path directory) {
        try {
            String type = Files.getFileStore(directory).type();
            if (KERNEL_FILE_SYSTEMS.contains(type)) {
                return directory + " is on " + type + ", not a regular file system";
            }
            Path real = directory.toRealPath();
            for (String kernel : new String[] {"/proc", "/sys"}) {
                if (real.startsWith(kernel)) {
                    return directory + " is under " + kernel + ", the kernel's own files, not a regular file system";
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether {@code directory} is on a file system mounted read-only. */
    private static boolean readOnly(Path directory) {
        try {
            FileStore store = Files.getFileStore(directory);
            return store.isReadOnly();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The length of {@code name} in bytes, as the file system sees it. */
    private static int bytes(String name) {
        return name.getBytes(nameCharset()).length;
    }

    /** The character set Java turns file names into bytes with. */
    private static Charset nameCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return java.nio.charset.StandardCharsets.UTF_8;
        }
    }

    /** Notes {@code temporary} for removal should the JVM shut down (a signal) while it is written. */
    private static void track(Path temporary) {
        if (!HOOKED.get() && HOOKED.compareAndSet(false, true)) {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(AtomicFiles::removeInFlight,
                        "nn4j: remove temporary files"));
            } catch (IllegalStateException e) {
                shuttingDown = true;
            }
        }
        IN_FLIGHT.add(temporary);
    }

    /** The shutdown hook: removes the temporary files being written, which are not complete. */
    private static void removeInFlight() {
        shuttingDown = true;
        for (Path temporary : IN_FLIGHT) {
            remove(temporary);
        }
    }

    /** Removes {@code file} if it is there; a failure is told by {@link #stays}. */
    private static void remove(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // stays() says so.
        }
    }

    /** Removes {@code temporary}, and says, in words to add to a message, if it stays. */
    private static String stays(Path temporary) {
        if (!Files.exists(temporary, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return "";
        }
        try {
            Files.deleteIfExists(temporary);
            return "";
        } catch (IOException e) {
            return "; the temporary file " + temporary.getFileName() + " stays (" + words(e) + ")";
        }
    }

    /** Deletes temporary files of {@code name} that a killed run left: older than this JVM. */
    private static void removeStale(Path directory, String name) {
        long started = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        String prefix = temporaryPrefix(name);
        try (java.util.stream.Stream<Path> files = Files.list(directory)) {
            files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && n.endsWith(SUFFIX) && n.length() > prefix.length() + SUFFIX.length()
                        && n.substring(prefix.length(), n.length() - SUFFIX.length()).matches("\\d+");
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
}
