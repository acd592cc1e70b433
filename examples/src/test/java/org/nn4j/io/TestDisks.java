package org.nn4j.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Disks for tests, put under {@link AtomicFiles} through its seam: one that fills in the middle of a
 * run and one that stalls a save, so that a full disk or a signal during a save can be tested anywhere,
 * without root, a small file system or luck with timing.
 */
public final class TestDisks {

    private TestDisks() {
    }

    /**
     * A disk on which the first {@code saves} writes of files named {@code name} succeed and the next
     * ones fail, as a full disk does; other files are written. Closing it gives the real disk back.
     */
    public static AutoCloseable fullAfter(String name, int saves) {
        return after(name, saves, () -> {
            throw new IOException("No space left on device");
        });
    }

    /**
     * A disk on which the first {@code saves} writes of files named {@code name} succeed and the next
     * one runs {@code stalled} and then hangs (for a signal to stop the JVM). Closing it gives the real
     * disk back.
     */
    public static AutoCloseable stallAfter(String name, int saves, Runnable stalled) {
        return after(name, saves, () -> {
            stalled.run();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private interface Failure {
        void happen() throws IOException;
    }

    private static AutoCloseable after(String name, int saves, Failure failure) {
        String prefix = AtomicFiles.temporaryPrefix(name);
        Set<Path> seen = ConcurrentHashMap.newKeySet();
        AtomicFiles.Sink real = AtomicFiles.sink;
        AtomicFiles.sink = (temporary, out, part) -> {
            String written = temporary.getFileName().toString();
            // The file's own temporary names (its prefix, digits, .partial), not those of a longer name.
            if (written.startsWith(prefix) && written.substring(prefix.length()).matches("\\d+\\.partial")) {
                seen.add(temporary);
                if (seen.size() > saves) {
                    // Half the bytes reach the disk first, as they would.
                    int half = part.position() + part.remaining() / 2;
                    java.nio.ByteBuffer first = part.duplicate().limit(half);
                    while (first.hasRemaining()) {
                        out.write(first);
                    }
                    failure.happen();
                }
            }
            real.write(temporary, out, part);
        };
        return () -> AtomicFiles.sink = real;
    }
}
