package org.nn4j.backend.nd4j;

import org.nn4j.api.DType;
import org.nn4j.api.Window2d;
import org.nn4j.backend.host.WorkerPool;

/**
 * Pooling and its gradients on nd4j-native's host memory, a few examples at a time: each part copies
 * its examples' rows into Java arrays the core's cache holds, runs nn4j-backend-host's image loop on
 * them and copies the results back ({@link PoolingPart}, per dtype). Copying whole matrices instead
 * moved every value through memory three times more. Not thread-safe, like the backend.
 */
final class HostPooling implements WorkerPool.Task {
    /** Values of input per chunk of examples: the chunk's arrays stay in a core's cache. */
    private static final int CHUNK_VALUES = 1 << 15;
    /** Pooling over fewer values than this runs on the calling thread. */
    private static final long SPLIT_VALUES = 1 << 16;

    /** What a call computes. */
    enum Op {
        MAX, MAX_BACKWARD, AVG, AVG_BACKWARD
    }

    private final WorkerPool pool;
    /** Each part's arrays, by dtype ({@link DType#ordinal()}) and part. */
    private final PoolingPart[][] parts;

    // The call's arguments, set before its parts run.
    Op op;
    Window2d w;
    int[] index;
    Nd4jMatrix in;
    Nd4jMatrix argmaxIn;
    Nd4jMatrix out;
    Nd4jMatrix argmaxOut;

    HostPooling(WorkerPool pool) {
        this.pool = pool;
        this.parts = new PoolingPart[DType.values().length][pool.parts()];
        for (int i = 0; i < pool.parts(); i++) {
            parts[DType.FLOAT32.ordinal()][i] = new PoolingPart32();
            parts[DType.FLOAT64.ordinal()][i] = new PoolingPart64();
        }
    }

    /**
     * Runs {@code op} over window {@code w} (with {@code index}, its {@link org.nn4j.backend.host.ImageIndex#poolIndex}
     * table): from {@code in} (and, for {@code MAX_BACKWARD}, {@code argmaxIn}) into {@code out} (and,
     * for {@code MAX}, {@code argmaxOut}); the absent ones are null.
     */
    void run(Op op, Window2d w, int[] index, Nd4jMatrix in, Nd4jMatrix argmaxIn, Nd4jMatrix out,
            Nd4jMatrix argmaxOut) {
        this.op = op;
        this.w = w;
        this.index = index;
        this.in = in;
        this.argmaxIn = argmaxIn;
        this.out = out;
        this.argmaxOut = argmaxOut;
        // The buffers are made here, on one thread; the parts only read and write through them.
        Nd4jMatrix.prepare(in, 0);
        Nd4jMatrix.prepare(argmaxIn, 0);
        Nd4jMatrix.prepare(out, 0);
        Nd4jMatrix.prepare(argmaxOut, 0);
        int n = in.rows();
        if ((long) n * w.inputSize() >= SPLIT_VALUES && n >= pool.parts()) {
            pool.run(this);
        } else {
            run(0, 1);
        }
    }

    @Override
    public void run(int part, int parts) {
        int n = in.rows();
        int from = WorkerPool.from(part, parts, n);
        int to = WorkerPool.from(part + 1, parts, n);
        int image = w.inputSize();
        int pooled = w.pooledSize();
        int window = w.kernelHeight() * w.kernelWidth();
        int chunk = Math.max(1, CHUNK_VALUES / image);
        PoolingPart p = this.parts[in.dtype().ordinal()][part];
        p.fit(chunk * image, chunk * pooled);
        for (int first = from; first < to; first += chunk) {
            p.chunk(this, first, Math.min(chunk, to - first), image, pooled, window);
        }
    }
}
