package org.nn4j.backend.nd4j;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;

import org.bytedeco.openblas.global.openblas;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.DType;
import org.nn4j.api.HostKernels;

/**
 * The hot operations of a training step on nd4j-native, without ND4J's op machinery: matrix products
 * call the OpenBLAS that nd4j-native itself links ({@code libopenblas.so.0}), the rest are {@link
 * HostKernels} loops over copies of ND4J's host memory. Each ND4J op costs 8-10 µs of fixed overhead
 * and allocates Java objects; these allocate nothing once their work arrays have grown. Not
 * thread-safe, like the backend.
 */
final class HostMemoryOps {
    /** Elements per chunk of Adam's step: its four arrays of this size stay in the core's cache. */
    private static final int CHUNK = 4096;

    private final HostArrays host;

    HostMemoryOps(HostArrays host) {
        this.host = host;
    }

    /** {@code C = alpha op(A) op(B) + beta C}, row-major; with beta 0, C is not read. */
    void gemm(boolean transposeA, boolean transposeB, double alpha, Nd4jMatrix a, Nd4jMatrix b, double beta,
            Nd4jMatrix c) {
        int inner = transposeA ? a.rows() : a.cols();
        int opA = transposeA ? CblasTrans : CblasNoTrans;
        int opB = transposeB ? CblasTrans : CblasNoTrans;
        if (c.dtype() == DType.FLOAT64) {
            openblas.cblas_dgemm(CblasRowMajor, opA, opB, c.rows(), c.cols(), inner, alpha, a.doubles(), a.cols(),
                    b.doubles(), b.cols(), beta, c.doubles(), c.cols());
        } else {
            openblas.cblas_sgemm(CblasRowMajor, opA, opB, c.rows(), c.cols(), inner, (float) alpha, a.floats(),
                    a.cols(), b.floats(), b.cols(), (float) beta, c.floats(), c.cols());
        }
    }

    void addRowVector(Nd4jMatrix a, Nd4jMatrix row, Nd4jMatrix out) {
        if (a.dtype() == DType.FLOAT64) {
            double[] x = doubles(0, a, 0, a.size());
            HostKernels.addRowVector(x, doubles(1, row, 0, row.size()), a.rows(), a.cols(), x);
            put(x, out, 0, a.size());
        } else {
            float[] x = floats(0, a, 0, a.size());
            HostKernels.addRowVector(x, floats(1, row, 0, row.size()), a.rows(), a.cols(), x);
            put(x, out, 0, a.size());
        }
    }

    void columnSums(Nd4jMatrix a, Nd4jMatrix out) {
        if (a.dtype() == DType.FLOAT64) {
            double[] sums = host.doubles(1, a.cols());
            HostKernels.columnSums(doubles(0, a, 0, a.size()), a.rows(), a.cols(), sums);
            put(sums, out, 0, a.cols());
        } else {
            float[] sums = host.floats(1, a.cols());
            HostKernels.columnSums(floats(0, a, 0, a.size()), a.rows(), a.cols(), sums);
            put(sums, out, 0, a.cols());
        }
    }

    void axpby(double alpha, Nd4jMatrix a, double beta, Nd4jMatrix b, Nd4jMatrix out) {
        int n = a.size();
        if (a.dtype() == DType.FLOAT64) {
            double[] x = doubles(0, a, 0, n);
            HostKernels.axpby(alpha, x, beta, doubles(1, b, 0, n), n, x);
            put(x, out, 0, n);
        } else {
            float[] x = floats(0, a, 0, n);
            HostKernels.axpby(alpha, x, beta, floats(1, b, 0, n), n, x);
            put(x, out, 0, n);
        }
    }

    void activation(ActivationKind kind, Nd4jMatrix x, Nd4jMatrix out) {
        int n = x.size();
        if (x.dtype() == DType.FLOAT64) {
            double[] values = doubles(0, x, 0, n);
            HostKernels.activation(kind, values, n, values);
            put(values, out, 0, n);
        } else {
            float[] values = floats(0, x, 0, n);
            HostKernels.activation(kind, values, n, values);
            put(values, out, 0, n);
        }
    }

    void activationBackward(ActivationKind kind, Nd4jMatrix y, Nd4jMatrix grad, Nd4jMatrix out) {
        int n = y.size();
        if (y.dtype() == DType.FLOAT64) {
            double[] g = doubles(1, grad, 0, n);
            HostKernels.activationBackward(kind, doubles(0, y, 0, n), g, n, g);
            put(g, out, 0, n);
        } else {
            float[] g = floats(1, grad, 0, n);
            HostKernels.activationBackward(kind, floats(0, y, 0, n), g, n, g);
            put(g, out, 0, n);
        }
    }

    /** Adam's step a chunk at a time, so that what the loop reads and writes stays in cache. */
    void adam(Nd4jMatrix param, Nd4jMatrix grad, Nd4jMatrix m, Nd4jMatrix v, double beta1, double beta2,
            double stepSize, double vScale, double epsilon) {
        int n = param.size();
        for (int from = 0; from < n; from += CHUNK) {
            int length = Math.min(CHUNK, n - from);
            if (param.dtype() == DType.FLOAT64) {
                double[] p = doubles(0, param, from, length);
                double[] m1 = doubles(2, m, from, length);
                double[] v1 = doubles(3, v, from, length);
                HostKernels.adam(p, doubles(1, grad, from, length), m1, v1, length, beta1, beta2, stepSize, vScale,
                        epsilon);
                put(p, param, from, length);
                put(m1, m, from, length);
                put(v1, v, from, length);
            } else {
                float[] p = floats(0, param, from, length);
                float[] m1 = floats(2, m, from, length);
                float[] v1 = floats(3, v, from, length);
                HostKernels.adam(p, floats(1, grad, from, length), m1, v1, length, beta1, beta2, stepSize, vScale,
                        epsilon);
                put(p, param, from, length);
                put(m1, m, from, length);
                put(v1, v, from, length);
            }
        }
    }

    /** Elements {@code from .. from + length} of {@code m} in the work array of {@code slot}. */
    private double[] doubles(int slot, Nd4jMatrix m, int from, int length) {
        double[] values = host.doubles(slot, length);
        m.doubles().get(from, values, 0, length);
        return values;
    }

    private float[] floats(int slot, Nd4jMatrix m, int from, int length) {
        float[] values = host.floats(slot, length);
        m.floats().get(from, values, 0, length);
        return values;
    }

    private static void put(double[] values, Nd4jMatrix m, int from, int length) {
        m.doubles().put(from, values, 0, length);
    }

    private static void put(float[] values, Nd4jMatrix m, int from, int length) {
        m.floats().put(from, values, 0, length);
    }
}
