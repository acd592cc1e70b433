package org.nn4j.backend.nd4j;

import org.nn4j.api.ActivationKind;
import org.nn4j.api.DType;
import org.nn4j.backend.host.WorkerPool;

/**
 * The hot operations of a training step on nd4j-native, without ND4J's op machinery: matrix products
 * call the OpenBLAS that nd4j-native itself links ({@code libopenblas.so.0}), the rest are
 * nn4j-backend-host's loops over copies of ND4J's host memory, a cache-sized chunk at a time, or the
 * Vector API's in place ({@link Elementwise}). Each ND4J op costs 8-10 µs of fixed overhead and allocates
 * Java objects; these allocate nothing once their work arrays have grown. Large ones split across a
 * {@link WorkerPool}. Each dtype has its own {@link BlasCalls} and {@link Elementwise}, written once for
 * float64 and generated for float32. Not thread-safe, like the backend.
 */
final class HostMemoryOps {
    /** Element-wise work on fewer elements than this runs on one thread: waking the others costs more. */
    private static final int SPLIT_ELEMENTS = 1 << 14;
    /** Products of fewer multiply-adds than this run on one thread. */
    private static final long SPLIT_GEMM = 1L << 20;

    private final WorkerPool pool;
    /** Each dtype's products and element-wise work, by {@link DType#ordinal()}. */
    private final BlasCalls[] blas = new BlasCalls[DType.values().length];
    private final Elementwise[] elementwise = new Elementwise[DType.values().length];
    private final HostConvolution convolution;
    private final HostPooling pooling;

    /**
     * Host operations with {@code host}'s work arrays, splitting large products and element-wise work
     * {@code threads} ways. OpenBLAS itself must then run on one thread: its own threads, spinning
     * between calls, would compete with the pool's.
     */
    HostMemoryOps(HostArrays host, int threads, boolean vectorLoops) {
        this.pool = new WorkerPool("nn4j-nd4j-host", threads);
        // Work arrays by part; part 0, the caller's, is the backend's own.
        HostArrays[] work = new HostArrays[threads];
        work[0] = host;
        for (int part = 1; part < threads; part++) {
            work[part] = new HostArrays();
        }
        blas[DType.FLOAT32.ordinal()] = new BlasCalls32();
        blas[DType.FLOAT64.ordinal()] = new BlasCalls64();
        elementwise[DType.FLOAT32.ordinal()] = new Elementwise32(work, vectorLoops);
        elementwise[DType.FLOAT64.ordinal()] = new Elementwise64(work, vectorLoops);
        this.convolution = new HostConvolution(pool);
        this.pooling = new HostPooling(pool);
    }

    /** Convolutions on this pool's threads. */
    HostConvolution convolution() {
        return convolution;
    }

    /** Pooling on this pool's threads. */
    HostPooling pooling() {
        return pooling;
    }

    /** The threads this backend splits work across. */
    WorkerPool pool() {
        return pool;
    }

    /**
     * {@code C = alpha op(A) op(B) + beta C}, row-major; with beta 0, C is not read. Products of at least
     * {@link #SPLIT_GEMM} multiply-adds split C's longer side across the pool's threads.
     */
    void gemm(boolean transposeA, boolean transposeB, double alpha, Nd4jMatrix a, Nd4jMatrix b, double beta,
            Nd4jMatrix c) {
        int parts = (long) c.rows() * c.cols() * (transposeA ? a.rows() : a.cols()) >= SPLIT_GEMM ? pool.parts() : 1;
        BlasCalls product = blas[c.dtype().ordinal()];
        product.set(transposeA, transposeB, alpha, a, b, beta, c, parts);
        if (parts > 1) {
            pool.run(product);
        } else {
            product.run(0, 1);
        }
    }

    void addRowVector(Nd4jMatrix a, Nd4jMatrix row, Nd4jMatrix out) {
        run(elementwise(out).set(Elementwise.Op.ADD_ROW_VECTOR, null, a, row, null, null, out, a.cols()));
    }

    /** See {@link BlasCalls#columnSums}. */
    void columnSums(Nd4jMatrix a, Nd4jMatrix out) {
        blas[a.dtype().ordinal()].columnSums(a, out);
    }

    void axpby(double alpha, Nd4jMatrix a, double beta, Nd4jMatrix b, Nd4jMatrix out) {
        Elementwise step = elementwise(out);
        step.scalars(alpha, beta, 0, 0, 0);
        run(step.set(Elementwise.Op.AXPBY, null, a, b, null, null, out, 1));
    }

    void activation(ActivationKind kind, Nd4jMatrix x, Nd4jMatrix out) {
        run(elementwise(out).set(Elementwise.Op.ACTIVATION, kind, x, null, null, null, out, 1));
    }

    void biasActivation(ActivationKind kind, Nd4jMatrix z, Nd4jMatrix bias, Nd4jMatrix out) {
        run(elementwise(out).set(Elementwise.Op.BIAS_ACTIVATION, kind, z, bias, null, null, out, z.cols()));
    }

    void leakyRelu(double slope, Nd4jMatrix x, Nd4jMatrix out) {
        Elementwise step = elementwise(out);
        step.scalars(slope, 0, 0, 0, 0);
        run(step.set(Elementwise.Op.LEAKY_RELU, null, x, null, null, null, out, 1));
    }

    void leakyReluBackward(double slope, Nd4jMatrix x, Nd4jMatrix grad, Nd4jMatrix out) {
        Elementwise step = elementwise(out);
        step.scalars(slope, 0, 0, 0, 0);
        run(step.set(Elementwise.Op.LEAKY_RELU_BACKWARD, null, x, grad, null, null, out, 1));
    }

    void multiply(Nd4jMatrix a, Nd4jMatrix b, Nd4jMatrix out) {
        run(elementwise(out).set(Elementwise.Op.MULTIPLY, null, a, b, null, null, out, 1));
    }

    void multiplyRowVector(Nd4jMatrix a, Nd4jMatrix row, Nd4jMatrix out) {
        run(elementwise(out).set(Elementwise.Op.MULTIPLY_ROW_VECTOR, null, a, row, null, null, out, a.cols()));
    }

    void activationBackward(ActivationKind kind, Nd4jMatrix y, Nd4jMatrix grad, Nd4jMatrix out) {
        run(elementwise(out).set(Elementwise.Op.ACTIVATION_BACKWARD, kind, y, grad, null, null, out, 1));
    }

    void adam(Nd4jMatrix param, Nd4jMatrix grad, Nd4jMatrix m, Nd4jMatrix v, double beta1, double beta2,
            double stepSize, double vScale, double epsilon) {
        Elementwise step = elementwise(param);
        step.scalars(beta1, beta2, stepSize, vScale, epsilon);
        run(step.set(Elementwise.Op.ADAM, null, param, grad, m, v, param, 1));
    }

    void momentum(Nd4jMatrix param, Nd4jMatrix grad, Nd4jMatrix velocity, double momentum, double learningRate,
            boolean nesterov) {
        Elementwise step = elementwise(param);
        step.scalars(momentum, learningRate, nesterov ? 1 : 0, 0, 0);
        run(step.set(Elementwise.Op.MOMENTUM, null, param, grad, velocity, null, param, 1));
    }

    /** Writes {@code values} into {@code out}, a float64 matrix of as many elements. */
    void widen(float[] values, Nd4jMatrix out) {
        Elementwise step = elementwise(out);
        step.source = values;
        run(step.set(Elementwise.Op.WIDEN, null, null, null, null, null, out, 1));
        step.source = null;
    }

    private Elementwise elementwise(Nd4jMatrix out) {
        return elementwise[out.dtype().ordinal()];
    }

    /** Runs {@code step} on the pool when its matrices are large enough to be worth splitting. */
    private void run(Elementwise step) {
        if (step.out.size() >= SPLIT_ELEMENTS) {
            pool.run(step);
        } else {
            step.run(0, 1);
        }
    }
}
