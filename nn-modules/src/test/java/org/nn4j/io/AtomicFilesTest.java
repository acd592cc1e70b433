package org.nn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that fails leaves the file as it was and no temporary file, and says why in words; what can
 * be found before any work is found by {@link AtomicFiles#requireWritable}.
 */
class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Writes through a disk that is full after {@code bytes} bytes of temporary files. */
    private static void withFullDisk(long bytes, IoAction action) throws IOException {
        AtomicFiles.Sink real = AtomicFiles.sink;
        long[] left = {bytes};
        AtomicFiles.sink = (temporary, out, part) -> {
            while (part.hasRemaining()) {
                if (left[0] == 0) {
                    throw new IOException("No space left on device");
                }
                java.nio.ByteBuffer some = part.duplicate();
                some.limit(some.position() + (int) Math.min(some.remaining(), left[0]));
                int n = out.write(some);
                part.position(part.position() + n);
                left[0] -= n;
            }
        };
        try {
            action.run();
        } finally {
            AtomicFiles.sink = real;
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    @Test
    void aDiskThatFillsDuringAWriteLeavesTheFileAsItWasAndSaysSo() throws IOException {
        Path file = dir.resolve("model.safetensors");
        AtomicFiles.write(file, "the good one".getBytes(StandardCharsets.UTF_8));
        withFullDisk(5, () -> {
            UnwritableFileException e = assertThrows(UnwritableFileException.class,
                    () -> AtomicFiles.write(file, "a longer, newer one".getBytes(StandardCharsets.UTF_8)));
            assertEquals(file + ": cannot be written: no space left on the device", e.getMessage());
            assertEquals(file, e.file());
            assertEquals("no space left on the device", e.reason());
        });
        assertEquals("the good one", Files.readString(file));
        assertEquals(List.of("model.safetensors"), names(), "no temporary file stays");
    }

    @Test
    void aFullDiskIsFoundBeforeAnyWork() throws IOException {
        withFullDisk(0, () -> {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> AtomicFiles.requireWritable(dir.resolve("m.safetensors")));
            assertEquals(dir.resolve("m.safetensors") + ": cannot be written: no space left on the device",
                    e.getMessage());
        });
        assertEquals(List.of(), names(), "the probe leaves nothing");
    }

    @Test
    void longNamesGetShortTemporaryNamesThatStayWithinTheLimit() throws IOException {
        for (int length : new int[] {100, 101, 200, 252, 253, 254, 255}) {
            String name = "n".repeat(length);
            String prefix = AtomicFiles.temporaryPrefix(name);
            assertTrue(prefix.length() + 20 + ".partial".length() <= 130, length + ": " + prefix.length());
            AtomicFiles.requireWritable(dir.resolve(name));
            AtomicFiles.write(dir.resolve(name), new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(dir.resolve(name)));
            Files.delete(dir.resolve(name));
        }
        assertEquals(".nnn", AtomicFiles.temporaryPrefix("nnn"));
        // Two long names that begin alike have temporary names of their own.
        assertFalse(AtomicFiles.temporaryPrefix("a".repeat(200) + "1").equals(AtomicFiles.temporaryPrefix("a"
                .repeat(200) + "2")));
        // A name of multi-byte characters is cut between characters, not inside one.
        String cut = AtomicFiles.temporaryPrefix("é".repeat(120));
        assertTrue(cut.matches("\\.é+~[0-9a-f]{8}"), cut);
        assertEquals(List.of(), names());
    }

    @Test
    void aNameLongerThanTheFileSystemAllowsIsToldBeforeAnyWorkWithTheLimit() throws IOException {
        Path file = dir.resolve("n".repeat(300));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> AtomicFiles.requireWritable(file));
        assertTrue(e.getMessage().startsWith(file + ": cannot be written: file name too long (300 bytes, the file"
                + " system allows "), e.getMessage());
        UnwritableFileException w = assertThrows(UnwritableFileException.class,
                () -> AtomicFiles.write(file, new byte[] {1}));
        assertTrue(w.reason().startsWith("file name too long (300 bytes"), w.getMessage());
        assertEquals(List.of(), names(), "the probes leave nothing");
    }

    @Test
    void theKernelsOwnFileSystemsAreNotPlacesForFiles() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")) && Files.isDirectory(Path.of("/sys/kernel")),
                "no /proc and /sys here (not Linux)");
        InvalidInputException proc = assertThrows(InvalidInputException.class,
                () -> AtomicFiles.requireWritable(Path.of("/proc/self/nn4j-test.safetensors")));
        assertEquals("/proc/self/nn4j-test.safetensors: cannot be written: /proc/self is on proc, not a regular file"
                + " system", proc.getMessage());
        InvalidInputException sys = assertThrows(InvalidInputException.class,
                () -> AtomicFiles.requireWritable(Path.of("/sys/kernel/nn4j/deeper/nn4j-test.json")));
        assertEquals("/sys/kernel/nn4j/deeper/nn4j-test.json: cannot be written: /sys/kernel is on sysfs, not a"
                + " regular file system", sys.getMessage());
        UnwritableFileException write = assertThrows(UnwritableFileException.class,
                () -> AtomicFiles.write(Path.of("/proc/nn4j-test.csv"), new byte[] {1}));
        assertEquals("/proc/nn4j-test.csv: cannot be written: /proc is on proc, not a regular file system",
                write.getMessage());
    }

    @Test
    void aDirectoryThatForbidsRenamesIsToldBeforeAnyWork() throws IOException, InterruptedException {
        Path appendOnly = Files.createDirectories(dir.resolve("append-only"));
        assumeTrue(chattr("+a", appendOnly), "chattr +a is not possible here (it needs root and ext4, xfs or btrfs)");
        try {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> AtomicFiles.requireWritable(appendOnly.resolve("m.safetensors")));
            assertTrue(e.getMessage().startsWith(appendOnly.resolve("m.safetensors") + ": cannot be written: the"
                    + " directory " + appendOnly + " forbids renaming files (append-only?), and nn4j writes a file"
                    + " whole by renaming a temporary file over it; the temporary file .m.safetensors"), e.getMessage());
            assertTrue(e.getMessage().endsWith(".partial stays (operation not permitted)"), e.getMessage());
        } finally {
            chattr("-a", appendOnly);
        }
    }

    private static boolean chattr(String flag, Path directory) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("chattr", flag, directory.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
