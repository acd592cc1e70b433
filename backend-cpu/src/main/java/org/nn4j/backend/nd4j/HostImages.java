package org.nn4j.backend.nd4j;

import org.nn4j.api.Window2d;
import org.nn4j.backend.host.WorkerPool;

/**
 * im2col, col2im and the block transpose of {@link Nd4jHostBackend}, on the matrices of one dtype:
 * nn4j-backend-host's loops on host copies kept between calls (the backend's work arrays 1 and 2), split
 * by examples across the backend's threads. {@link HostImages64} is written once; its float32 twin is
 * generated from it.
 */
abstract class HostImages {
    /** Image operations on fewer values run on the calling thread: a split costs tens of microseconds. */
    private static final long SPLIT_IMAGE_VALUES = 1 << 16;

    /** The backend's work arrays. */
    final HostArrays host;
    private final WorkerPool pool;

    HostImages(HostArrays host, WorkerPool pool) {
        this.host = host;
        this.pool = pool;
    }

    /** Runs {@code range} over {@code n} examples, split across the threads when they touch many values. */
    final void split(int n, long values, WorkerPool.Range range) {
        if (values < SPLIT_IMAGE_VALUES) {
            range.run(0, n);
        } else {
            pool.split(n, range);
        }
    }

    /** {@link org.nn4j.api.Backend#im2col} along {@code w}'s patch index table, arguments checked. */
    abstract void im2col(Nd4jMatrix x, Window2d w, int[] index, Nd4jMatrix out);

    /** {@link org.nn4j.api.Backend#col2im} along {@code w}'s patch index table, arguments checked. */
    abstract void col2im(Nd4jMatrix cols, Window2d w, int[] index, Nd4jMatrix out);

    /** {@link org.nn4j.api.Backend#transposeBlocks}, arguments checked. */
    abstract void transposeBlocks(Nd4jMatrix a, int blocks, int rows, int cols, Nd4jMatrix out);
}
