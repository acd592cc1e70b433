package org.nn4j.backend.nd4j;

import org.nn4j.api.DType;
import org.nn4j.api.Window2d;
import org.nn4j.backend.host.ImageKernels32;
import org.nn4j.backend.host.ImageKernels64;
import org.nn4j.backend.host.WorkerPool;

/**
 * Pooling and its gradients on nd4j-native's host memory, a few examples at a time: each part copies
 * its examples' rows into Java arrays the core's cache holds, runs {@code ImageKernels32} or {@link ImageKernels64}'s loop on
 * them and copies the results back. Copying whole matrices instead moved every value through memory
 * three times more. Not thread-safe, like the backend.
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
    private final Part[] parts;

    private Op op;
    private Window2d w;
    private int[] index;
    private Nd4jMatrix in;
    private Nd4jMatrix argmaxIn;
    private Nd4jMatrix out;
    private Nd4jMatrix argmaxOut;

    HostPooling(WorkerPool pool) {
        this.pool = pool;
        this.parts = new Part[pool.parts()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = new Part();
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
        Part p = this.parts[part];
        boolean doubles = in.dtype() == DType.FLOAT64;
        p.fit(doubles, chunk * image, chunk * pooled);
        for (int first = from; first < to; first += chunk) {
            int count = Math.min(chunk, to - first);
            if (doubles) {
                chunk64(p, first, count, image, pooled, window);
            } else {
                chunk32(p, first, count, image, pooled, window);
            }
        }
    }

    private void chunk32(Part p, int first, int count, int image, int pooled, int window) {
        switch (op) {
            case MAX -> {
                in.floats().get(first * image, p.images32, 0, count * image);
                ImageKernels32.maxPool2d(p.images32, 0, count, w, index, p.pooled32, p.argmax32);
                out.floats().put(first * pooled, p.pooled32, 0, count * pooled);
                argmaxOut.floats().put(first * pooled, p.argmax32, 0, count * pooled);
            }
            case AVG -> {
                in.floats().get(first * image, p.images32, 0, count * image);
                ImageKernels32.avgPool2d(p.images32, 0, count, image, index, window, p.pooled32);
                out.floats().put(first * pooled, p.pooled32, 0, count * pooled);
            }
            case MAX_BACKWARD -> {
                in.floats().get(first * pooled, p.pooled32, 0, count * pooled);
                argmaxIn.floats().get(first * pooled, p.argmax32, 0, count * pooled);
                ImageKernels32.maxPool2dBackward(p.pooled32, p.argmax32, 0, count, w, p.images32);
                out.floats().put(first * image, p.images32, 0, count * image);
            }
            case AVG_BACKWARD -> {
                in.floats().get(first * pooled, p.pooled32, 0, count * pooled);
                ImageKernels32.avgPool2dBackward(p.pooled32, 0, count, image, index, window, p.images32);
                out.floats().put(first * image, p.images32, 0, count * image);
            }
            default -> throw new IllegalStateException(op.toString());
        }
    }

    private void chunk64(Part p, int first, int count, int image, int pooled, int window) {
        switch (op) {
            case MAX -> {
                in.doubles().get(first * image, p.images64, 0, count * image);
                ImageKernels64.maxPool2d(p.images64, 0, count, w, index, p.pooled64, p.argmax64);
                out.doubles().put(first * pooled, p.pooled64, 0, count * pooled);
                argmaxOut.doubles().put(first * pooled, p.argmax64, 0, count * pooled);
            }
            case AVG -> {
                in.doubles().get(first * image, p.images64, 0, count * image);
                ImageKernels64.avgPool2d(p.images64, 0, count, image, index, window, p.pooled64);
                out.doubles().put(first * pooled, p.pooled64, 0, count * pooled);
            }
            case MAX_BACKWARD -> {
                in.doubles().get(first * pooled, p.pooled64, 0, count * pooled);
                argmaxIn.doubles().get(first * pooled, p.argmax64, 0, count * pooled);
                ImageKernels64.maxPool2dBackward(p.pooled64, p.argmax64, 0, count, w, p.images64);
                out.doubles().put(first * image, p.images64, 0, count * image);
            }
            case AVG_BACKWARD -> {
                in.doubles().get(first * pooled, p.pooled64, 0, count * pooled);
                ImageKernels64.avgPool2dBackward(p.pooled64, 0, count, image, index, window, p.images64);
                out.doubles().put(first * image, p.images64, 0, count * image);
            }
            default -> throw new IllegalStateException(op.toString());
        }
    }

    /** One part's arrays for a chunk of examples, grown as needed and kept. */
    private static final class Part {
        float[] images32 = new float[0];
        float[] pooled32 = new float[0];
        float[] argmax32 = new float[0];
        double[] images64 = new double[0];
        double[] pooled64 = new double[0];
        double[] argmax64 = new double[0];

        void fit(boolean doubles, int images, int pooled) {
            if (doubles) {
                images64 = images64.length < images ? new double[images] : images64;
                pooled64 = pooled64.length < pooled ? new double[pooled] : pooled64;
                argmax64 = argmax64.length < pooled ? new double[pooled] : argmax64;
            } else {
                images32 = images32.length < images ? new float[images] : images32;
                pooled32 = pooled32.length < pooled ? new float[pooled] : pooled32;
                argmax32 = argmax32.length < pooled ? new float[pooled] : argmax32;
            }
        }
    }
}
