package org.nn4j.backend.nd4j;

import org.nn4j.backend.host.Threads;

/**
 * How many threads the ND4J backends compute with. Kept apart from the backends, which
 * refers to ND4J's classes, so that providers can report it on class paths without ND4J.
 */
public final class Nd4jThreads {

    private Nd4jThreads() {
    }

    /**
     * The thread count: set by {@code --threads}, {@code nn4j.threads} or {@code NN4J_THREADS}, else
     * every core. On nd4j-native, the backend's own pool splits products and host loops this many
     * ways, each part calling OpenBLAS on one thread; on nd4j-cuda, ND4J's BLAS gets this many.
     */
    public static int threads() {
        return Threads.select(null).orElse(Threads.cores());
    }

    /**
     * The threads of ND4J's own kernels (its ops that a training step does not use on nd4j-native) for
     * {@code threads} threads: half, at least one. Measured on 2 cores: with ND4J's OpenMP threads and
     * OpenBLAS's both at 2, an element-wise op right after a GEMM took 4 times as long, their idle
     * threads spinning against each other.
     */
    public static int elementWise(int threads) {
        return Math.max(1, threads / 2);
    }
}
