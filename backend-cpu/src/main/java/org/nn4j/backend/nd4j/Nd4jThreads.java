package org.nn4j.backend.nd4j;

import org.nn4j.api.Threads;

/**
 * How many threads the ND4J backends compute with. Kept apart from {@link Nd4jBackend}, which
 * refers to ND4J's classes, so that providers can report it on class paths without ND4J.
 */
public final class Nd4jThreads {

    private Nd4jThreads() {
    }

    /**
     * The thread count set by {@code --threads}, {@code nn4j.threads} or {@code NN4J_THREADS}, else one
     * core fewer than the machine has: on 2 cores, 2 OpenMP threads made a training step 3 to 8 times
     * slower than 1 did (ND4J's threads spin while the JVM's own threads need a core).
     */
    public static int threads() {
        return Threads.select(null).orElse(Math.max(1, Threads.cores() - 1));
    }
}
