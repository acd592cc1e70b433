package org.nn4j.backend.nd4j;

import org.nn4j.backend.host.WorkerPool;

/**
 * Copies between nd4j-native's host memory (float64) and Java arrays for the host path's loops, large ones
 * split across its pool: they are memory-bound, and one core's bandwidth is not the machine's.
 * {@code SplitCopy32} is generated from this source at build time. Not thread-safe, like the backend.
 */
final class SplitCopy64 implements WorkerPool.Task {
    /** Copies of fewer values run on the calling thread: a split costs microseconds. */
    private static final int SPLIT_VALUES = 1 << 16;
    private final WorkerPool pool;
    private Nd4jMatrix matrix;
    private double[] array;
    private boolean toMatrix;

    /** Copies split across {@code pool}; null: none are (the caller copies). */
    SplitCopy64(WorkerPool pool) {
        this.pool = pool;
    }

    /** Reads {@code m} into {@code values} split across the pool and says true, if that pays; else false. */
    boolean get(Nd4jMatrix m, double[] values) {
        return split(m, values, false);
    }

    /** Writes {@code values} into {@code m} split across the pool and says true, if that pays; else false. */
    boolean put(Nd4jMatrix m, double[] values) {
        return split(m, values, true);
    }

    private boolean split(Nd4jMatrix m, double[] values, boolean toMatrix) {
        if (pool == null || pool.parts() < 2 || m.size() < SPLIT_VALUES) {
            return false;
        }
        this.matrix = m;
        this.array = values;
        this.toMatrix = toMatrix;
        pool.run(this);
        this.matrix = null;
        this.array = null;
        return true;
    }

    @Override
    public void run(int part, int parts) {
        int from = WorkerPool.from(part, parts, matrix.size());
        int to = WorkerPool.from(part + 1, parts, matrix.size());
        if (toMatrix) {
            matrix.doubles().put(from, array, from, to - from);
        } else {
            matrix.doubles().get(from, array, from, to - from);
        }
    }
}
