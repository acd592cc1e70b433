package org.nn4j.fuzz;

import java.lang.management.ManagementFactory;
import org.nn4j.io.InvalidInputException;

/**
 * What every fuzz target of nn4j's readers checks: an input either reads or fails with nn4j's own
 * {@link InvalidInputException} with a message of one line (anything else is a finding), and reading
 * it allocates no more than {@link #bound} of its size.
 */
public final class Fuzzing {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final java.lang.management.ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();

    private Fuzzing() {
    }

    /** A reader's work on one input. */
    public interface Read {
        /** Reads the input; may throw InvalidInputException. */
        void run() throws Exception;
    }

    /**
     * The most a reader may allocate for an input of {@code inputBytes}: 32 MiB for what any read
     * needs (buffers, a small model), plus 64 bytes for each byte of input.
     */
    public static long bound(long inputBytes) {
        return (32L << 20) + 64 * inputBytes;
    }

    /**
     * Runs {@code read}, accepting nn4j's error type and failing on any other, or on allocating more
     * than {@link #bound} of {@code inputBytes}.
     */
    public static void check(long inputBytes, Read read) throws Exception {
        long thread = Thread.currentThread().getId();
        long classes = CLASSES.getTotalLoadedClassCount();
        long before = THREADS.getThreadAllocatedBytes(thread);
        try {
            read.run();
        } catch (InvalidInputException expected) {
            if (expected.getMessage() == null || expected.getMessage().isBlank() || expected.getMessage().contains("\n")) {
                throw new AssertionError("not a one-line message: '" + expected.getMessage() + "'", expected);
            }
        }
        long allocated = THREADS.getThreadAllocatedBytes(thread) - before;
        // Loading (and, when fuzzing, instrumenting) a class on first use allocates too: not the input's doing.
        if (allocated > bound(inputBytes) && CLASSES.getTotalLoadedClassCount() == classes) {
            throw new AssertionError(allocated + " bytes allocated for an input of " + inputBytes + " bytes");
        }
    }
}
