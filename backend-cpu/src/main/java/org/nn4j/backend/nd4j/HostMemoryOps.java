package org.nn4j.backend.nd4j;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;

import org.bytedeco.openblas.global.openblas;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.DType;
import org.nn4j.api.HostKernels;
import org.nn4j.api.WorkerPool;

/**
 * The hot operations of a training step on nd4j-native, without ND4J's op machinery: matrix products
 * call the OpenBLAS that nd4j-native itself links ({@code libopenblas.so.0}), the rest are {@link
 * HostKernels} loops over copies of ND4J's host memory. Each ND4J op costs 8-10 µs of fixed overhead
 * and allocates Java objects; these allocate nothing once their work arrays have grown. Not
 * thread-safe, like the backend.
 */
final class HostMemoryOps {
    /** Elements per chunk of Adam's step: its four work arrays of this size stay in the core's cache. */
    private static final int CHUNK = 4096;

    /** Adam's step on fewer elements than this runs on one thread: waking the others costs more. */
    private static final int SPLIT_ADAM = 1 << 15;
    /** Products of fewer multiply-adds than this run on one thread. */
    private static final long SPLIT_GEMM = 1L << 20;

    private final HostArrays host;
    private final WorkerPool pool;
    private final AdamStep adam;
    private final GemmStep gemm = new GemmStep();

    /**
     * Host operations with {@code host}'s work arrays, splitting large products and Adam's step
     * {@code threads} ways. OpenBLAS itself then runs on one thread: its own threads, spinning
     * between calls, would compete with the pool's.
     */
    HostMemoryOps(HostArrays host, int threads) {
        this.host = host;
        this.pool = new WorkerPool("nn4j-nd4j-host", threads);
        this.adam = new AdamStep(threads);
    }

    /**
     * {@code C = alpha op(A) op(B) + beta C}, row-major; with beta 0, C is not read. Products of at least
     * {@link #SPLIT_GEMM} multiply-adds split C's longer side across the pool's threads.
     */
    void gemm(boolean transposeA, boolean transposeB, double alpha, Nd4jMatrix a, Nd4jMatrix b, double beta,
            Nd4jMatrix c) {
        int parts = (long) c.rows() * c.cols() * (transposeA ? a.rows() : a.cols()) >= SPLIT_GEMM ? pool.parts() : 1;
        gemm.set(transposeA, transposeB, alpha, a, b, beta, c, parts);
        if (parts > 1) {
            pool.run(gemm);
        } else {
            gemm.run(0, 1);
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

    /** Adam's step; matrices of at least {@link #SPLIT_ADAM} elements split across the pool's threads. */
    void adam(Nd4jMatrix param, Nd4jMatrix grad, Nd4jMatrix m, Nd4jMatrix v, double beta1, double beta2,
            double stepSize, double vScale, double epsilon) {
        adam.set(param, grad, m, v, beta1, beta2, stepSize, vScale, epsilon);
        if (param.size() >= SPLIT_ADAM) {
            pool.run(adam);
        } else {
            adam.run(0, 1);
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

    /**
     * Adam's step on one part of a matrix, a chunk at a time, so that the copies it works on stay in
     * the core's cache. Set before each run; each part has its own work arrays.
     */
    private static final class AdamStep implements WorkerPool.Task {
        private final double[][][] doubles;
        private final float[][][] floats;
        private Nd4jMatrix param;
        private Nd4jMatrix grad;
        private Nd4jMatrix m;
        private Nd4jMatrix v;
        private double beta1;
        private double beta2;
        private double stepSize;
        private double vScale;
        private double epsilon;

        AdamStep(int parts) {
            doubles = new double[parts][4][CHUNK];
            floats = new float[parts][4][CHUNK];
        }

        void set(Nd4jMatrix param, Nd4jMatrix grad, Nd4jMatrix m, Nd4jMatrix v, double beta1, double beta2,
                double stepSize, double vScale, double epsilon) {
            this.param = param;
            this.grad = grad;
            this.m = m;
            this.v = v;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.stepSize = stepSize;
            this.vScale = vScale;
            this.epsilon = epsilon;
        }

        @Override
        public void run(int part, int parts) {
            int n = param.size();
            int end = WorkerPool.from(part + 1, parts, n);
            for (int from = WorkerPool.from(part, parts, n); from < end; from += CHUNK) {
                int length = Math.min(CHUNK, end - from);
                if (param.dtype() == DType.FLOAT64) {
                    double[][] work = doubles[part];
                    param.doubles().get(from, work[0], 0, length);
                    grad.doubles().get(from, work[1], 0, length);
                    m.doubles().get(from, work[2], 0, length);
                    v.doubles().get(from, work[3], 0, length);
                    HostKernels.adam(work[0], work[1], work[2], work[3], length, beta1, beta2, stepSize, vScale,
                            epsilon);
                    put(work[0], param, from, length);
                    put(work[2], m, from, length);
                    put(work[3], v, from, length);
                } else {
                    float[][] work = floats[part];
                    param.floats().get(from, work[0], 0, length);
                    grad.floats().get(from, work[1], 0, length);
                    m.floats().get(from, work[2], 0, length);
                    v.floats().get(from, work[3], 0, length);
                    HostKernels.adam(work[0], work[1], work[2], work[3], length, beta1, beta2, stepSize, vScale,
                            epsilon);
                    put(work[0], param, from, length);
                    put(work[2], m, from, length);
                    put(work[3], v, from, length);
                }
            }
        }
    }

    /**
     * One part of a product: a band of C's rows (when C is taller than wide) or columns, with the
     * matching band of op(A)'s rows or op(B)'s columns. In row-major memory each band starts at an
     * offset and keeps its matrix's leading dimension, so the parts need no copies.
     */
    private static final class GemmStep implements WorkerPool.Task {
        private boolean transposeA;
        private boolean transposeB;
        private double alpha;
        private double beta;
        private Nd4jMatrix a;
        private Nd4jMatrix b;
        private Nd4jMatrix c;

        void set(boolean transposeA, boolean transposeB, double alpha, Nd4jMatrix a, Nd4jMatrix b, double beta,
                Nd4jMatrix c, int parts) {
            this.transposeA = transposeA;
            this.transposeB = transposeB;
            this.alpha = alpha;
            this.beta = beta;
            this.a = a;
            this.b = b;
            this.c = c;
            // The pointers each part moves about are made here, on one thread.
            for (int part = 0; part < parts; part++) {
                if (c.dtype() == DType.FLOAT64) {
                    a.doubleView(3 * part);
                    b.doubleView(3 * part + 1);
                    c.doubleView(3 * part + 2);
                } else {
                    a.floatView(3 * part);
                    b.floatView(3 * part + 1);
                    c.floatView(3 * part + 2);
                }
            }
        }

        @Override
        public void run(int part, int parts) {
            int rows = c.rows();
            int cols = c.cols();
            int firstRow = 0;
            int endRow = rows;
            int firstCol = 0;
            int endCol = cols;
            if (rows > cols) {
                firstRow = WorkerPool.from(part, parts, rows);
                endRow = WorkerPool.from(part + 1, parts, rows);
            } else {
                firstCol = WorkerPool.from(part, parts, cols);
                endCol = WorkerPool.from(part + 1, parts, cols);
            }
            if (endRow == firstRow || endCol == firstCol) {
                return;
            }
            // op(A)'s row r starts at A's row r, or (transposed) at A's column r; likewise op(B)'s columns.
            long aOffset = transposeA ? firstRow : (long) firstRow * a.cols();
            long bOffset = transposeB ? (long) firstCol * b.cols() : firstCol;
            long cOffset = (long) firstRow * cols + firstCol;
            int inner = transposeA ? a.rows() : a.cols();
            int opA = transposeA ? CblasTrans : CblasNoTrans;
            int opB = transposeB ? CblasTrans : CblasNoTrans;
            if (c.dtype() == DType.FLOAT64) {
                openblas.cblas_dgemm(CblasRowMajor, opA, opB, endRow - firstRow, endCol - firstCol, inner, alpha,
                        a.doubleView(3 * part).position(aOffset), a.cols(),
                        b.doubleView(3 * part + 1).position(bOffset), b.cols(), beta,
                        c.doubleView(3 * part + 2).position(cOffset), cols);
            } else {
                openblas.cblas_sgemm(CblasRowMajor, opA, opB, endRow - firstRow, endCol - firstCol, inner,
                        (float) alpha, a.floatView(3 * part).position(aOffset), a.cols(),
                        b.floatView(3 * part + 1).position(bOffset), b.cols(), (float) beta,
                        c.floatView(3 * part + 2).position(cOffset), cols);
            }
        }
    }
}
