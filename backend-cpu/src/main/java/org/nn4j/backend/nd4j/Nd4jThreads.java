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
     * The BLAS thread count: set by {@code --threads}, {@code nn4j.threads} or {@code NN4J_THREADS},
     * else every core.
     */
    public static int threads() {
        return Threads.select(null).orElse(Threads.cores());
    }

    /**
     * The threads of ND4J's own element-wise kernels for {@code threads} BLAS threads: half, at least
     * one. Measured on 2 cores: with both at 2, an element-wise op right after a GEMM took 4 times as
     * long (ND4J's OpenMP threads and OpenBLAS's spin against each other); with 1 and 2, the GEMM ran
     * 1.35 times faster than on one thread and the element-wise op lost nothing.
     */
    public static int elementWise(int threads) {
        return Math.max(1, threads / 2);
    }
}
