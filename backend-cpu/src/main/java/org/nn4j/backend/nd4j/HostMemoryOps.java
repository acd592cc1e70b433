package org.nn4j.backend.nd4j;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;

import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.backend.host.HostKernels32;
import org.nn4j.backend.host.HostKernels64;
import org.nn4j.backend.host.WorkerPool;

/**
 * The hot operations of a training step on nd4j-native, without ND4J's op machinery: matrix products
 * call the OpenBLAS that nd4j-native itself links ({@code libopenblas.so.0}), the rest are {@link
 * HostKernels64} loops (or their float32 twins) over copies of ND4J's host memory, a cache-sized chunk at a time. Each ND4J op
 * costs 8-10 µs of fixed overhead and allocates Java objects; these allocate nothing once their work
 * arrays have grown. Large ones split across a {@link WorkerPool}. Not thread-safe, like the backend.
 */
final class HostMemoryOps {
    /** Elements per chunk of element-wise work: the work arrays of a chunk stay in the core's cache. */
    private static final int CHUNK = 4096;
    /** Element-wise work on fewer elements than this runs on one thread: waking the others costs more. */
    private static final int SPLIT_ELEMENTS = 1 << 14;
    /** Products of fewer multiply-adds than this run on one thread. */
    private static final long SPLIT_GEMM = 1L << 20;

    /** Work arrays by part; part 0, the caller's, is the backend's own. */
    private final HostArrays[] work;
    private final WorkerPool pool;
    private final GemmStep gemm = new GemmStep();
    private final Elementwise elementwise;
    private final HostConvolution convolution;
    private final HostPooling pooling;
    /** Ones for {@link #columnSums}, as many as the largest batch so far. */
    private FloatPointer ones32;
    private DoublePointer ones64;

    /**
     * Host operations with {@code host}'s work arrays, splitting large products and element-wise work
     * {@code threads} ways. OpenBLAS itself must then run on one thread: its own threads, spinning
     * between calls, would compete with the pool's.
     */
    HostMemoryOps(HostArrays host, int threads, boolean vectorLoops) {
        this.pool = new WorkerPool("nn4j-nd4j-host", threads);
        this.work = new HostArrays[threads];
        work[0] = host;
        for (int part = 1; part < threads; part++) {
            work[part] = new HostArrays();
        }
        this.elementwise = new Elementwise(work, vectorLoops);
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
        gemm.set(transposeA, transposeB, alpha, a, b, beta, c, parts);
        if (parts > 1) {
            pool.run(gemm);
        } else {
            gemm.run(0, 1);
        }
    }

    void addRowVector(Nd4jMatrix a, Nd4jMatrix row, Nd4jMatrix out) {
        run(elementwise.set(Op.ADD_ROW_VECTOR, null, a, row, null, null, out, a.cols()));
    }

    /**
     * The column sums as a product with a vector of ones, {@code out = 1^T A}: OpenBLAS reads A where
     * it lies, and vectorises the sums, which a Java loop over a row that may alias its output does not.
     */
    void columnSums(Nd4jMatrix a, Nd4jMatrix out) {
        if (a.dtype() == DType.FLOAT64) {
            if (ones64 == null || ones64.capacity() < a.rows()) {
                double[] ones = new double[a.rows()];
                Arrays.fill(ones, 1);
                ones64 = new DoublePointer(ones);
            }
            openblas.cblas_dgemv(CblasRowMajor, CblasTrans, a.rows(), a.cols(), 1, a.doubleView(0).position(0),
                    a.cols(), ones64, 1, 0, out.doubleView(0).position(0), 1);
        } else {
            if (ones32 == null || ones32.capacity() < a.rows()) {
                float[] ones = new float[a.rows()];
                Arrays.fill(ones, 1);
                ones32 = new FloatPointer(ones);
            }
            openblas.cblas_sgemv(CblasRowMajor, CblasTrans, a.rows(), a.cols(), 1, a.floatView(0).position(0),
                    a.cols(), ones32, 1, 0, out.floatView(0).position(0), 1);
        }
    }

    void axpby(double alpha, Nd4jMatrix a, double beta, Nd4jMatrix b, Nd4jMatrix out) {
        elementwise.scalars(alpha, beta, 0, 0, 0);
        run(elementwise.set(Op.AXPBY, null, a, b, null, null, out, 1));
    }

    void activation(ActivationKind kind, Nd4jMatrix x, Nd4jMatrix out) {
        run(elementwise.set(Op.ACTIVATION, kind, x, null, null, null, out, 1));
    }

    void biasActivation(ActivationKind kind, Nd4jMatrix z, Nd4jMatrix bias, Nd4jMatrix out) {
        run(elementwise.set(Op.BIAS_ACTIVATION, kind, z, bias, null, null, out, z.cols()));
    }

    void leakyRelu(double slope, Nd4jMatrix x, Nd4jMatrix out) {
        elementwise.scalars(slope, 0, 0, 0, 0);
        run(elementwise.set(Op.LEAKY_RELU, null, x, null, null, null, out, 1));
    }

    void leakyReluBackward(double slope, Nd4jMatrix x, Nd4jMatrix grad, Nd4jMatrix out) {
        elementwise.scalars(slope, 0, 0, 0, 0);
        run(elementwise.set(Op.LEAKY_RELU_BACKWARD, null, x, grad, null, null, out, 1));
    }

    void multiply(Nd4jMatrix a, Nd4jMatrix b, Nd4jMatrix out) {
        run(elementwise.set(Op.MULTIPLY, null, a, b, null, null, out, 1));
    }

    void multiplyRowVector(Nd4jMatrix a, Nd4jMatrix row, Nd4jMatrix out) {
        run(elementwise.set(Op.MULTIPLY_ROW_VECTOR, null, a, row, null, null, out, a.cols()));
    }

    void activationBackward(ActivationKind kind, Nd4jMatrix y, Nd4jMatrix grad, Nd4jMatrix out) {
        run(elementwise.set(Op.ACTIVATION_BACKWARD, kind, y, grad, null, null, out, 1));
    }

    void adam(Nd4jMatrix param, Nd4jMatrix grad, Nd4jMatrix m, Nd4jMatrix v, double beta1, double beta2,
            double stepSize, double vScale, double epsilon) {
        elementwise.scalars(beta1, beta2, stepSize, vScale, epsilon);
        run(elementwise.set(Op.ADAM, null, param, grad, m, v, param, 1));
    }

    void momentum(Nd4jMatrix param, Nd4jMatrix grad, Nd4jMatrix velocity, double momentum, double learningRate,
            boolean nesterov) {
        elementwise.scalars(momentum, learningRate, nesterov ? 1 : 0, 0, 0);
        run(elementwise.set(Op.MOMENTUM, null, param, grad, velocity, null, param, 1));
    }

    /** Writes {@code values} into {@code out}, a float64 matrix of as many elements. */
    void widen(float[] values, Nd4jMatrix out) {
        elementwise.source = values;
        run(elementwise.set(Op.WIDEN, null, null, null, null, null, out, 1));
        elementwise.source = null;
    }

    /** Runs {@code step} on the pool when its matrices are large enough to be worth splitting. */
    private void run(Elementwise step) {
        if (step.out.size() >= SPLIT_ELEMENTS) {
            pool.run(step);
        } else {
            step.run(0, 1);
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

    private enum Op {
        ADD_ROW_VECTOR, AXPBY, ACTIVATION, BIAS_ACTIVATION, ACTIVATION_BACKWARD, ADAM, MOMENTUM, WIDEN, LEAKY_RELU,
        LEAKY_RELU_BACKWARD, MULTIPLY_ROW_VECTOR, MULTIPLY
    }

    /**
     * One element-wise operation, set before each run, over one part of its matrices a chunk at a
     * time: each chunk is copied from ND4J's memory into the part's work arrays, computed there by
     * {@link HostKernels64} (or its float32 twin) and copied back. The operands a to d and out are as each operation's
     * method above names them; a row-wise operation keeps whole rows ({@code unit} elements) together.
     */
    private static final class Elementwise implements WorkerPool.Task {
        private final HostArrays[] work;
        /** Whether the operations {@link #inPlace()} names run in place on the Vector API. */
        private final boolean vectorLoops;
        private Op op;
        private ActivationKind kind;
        private Nd4jMatrix a;
        private Nd4jMatrix b;
        private Nd4jMatrix c;
        private Nd4jMatrix d;
        private Nd4jMatrix out;
        private int unit;
        private float[] source;
        private double s1;
        private double s2;
        private double s3;
        private double s4;
        private double s5;

        Elementwise(HostArrays[] work, boolean vectorLoops) {
            this.work = work;
            this.vectorLoops = vectorLoops;
        }

        Elementwise set(Op op, ActivationKind kind, Nd4jMatrix a, Nd4jMatrix b, Nd4jMatrix c, Nd4jMatrix d,
                Nd4jMatrix out, int unit) {
            this.op = op;
            this.kind = kind;
            this.a = a;
            this.b = b;
            this.c = c;
            this.d = d;
            this.out = out;
            this.unit = unit;
            // The parts share each matrix's buffer view: made here, on one thread, before they run.
            makeView(a);
            makeView(b);
            makeView(c);
            makeView(d);
            makeView(out);
            return this;
        }

        private void makeView(Nd4jMatrix m) {
            if (m == null) {
                return;
            }
            if (m.dtype() == DType.FLOAT64) {
                m.doubles();
            } else {
                m.floats();
            }
            if (inPlace()) {
                m.bytes();
            }
        }

        void scalars(double s1, double s2, double s3, double s4, double s5) {
            this.s1 = s1;
            this.s2 = s2;
            this.s3 = s3;
            this.s4 = s4;
            this.s5 = s5;
        }

        @Override
        public void run(int part, int parts) {
            int units = out.size() / unit;
            int end = WorkerPool.from(part + 1, parts, units);
            if (inPlace()) {
                inPlace(WorkerPool.from(part, parts, units), end);
                return;
            }
            int chunkUnits = Math.max(1, CHUNK / unit);
            for (int first = WorkerPool.from(part, parts, units); first < end; first += chunkUnits) {
                int from = first * unit;
                int length = (Math.min(end, first + chunkUnits) - first) * unit;
                if (out.dtype() == DType.FLOAT64) {
                    chunk64(work[part], from, length);
                } else {
                    chunk32(work[part], from, length);
                }
            }
        }

        /** Whether this operation runs in place on the Vector API ({@link DirectLoops}). */
        private boolean inPlace() {
            return vectorLoops && (op == Op.ADAM || op == Op.MOMENTUM || (kind == ActivationKind.RELU
                    && (op == Op.ACTIVATION || op == Op.ACTIVATION_BACKWARD || op == Op.BIAS_ACTIVATION)));
        }

        /** The operation on units {@code from .. to} (elements, or rows for the bias), in ND4J's memory. */
        private void inPlace(int from, int to) {
            boolean doubles = out.dtype() == DType.FLOAT64;
            if (op == Op.ACTIVATION) {
                DirectLoops.relu(doubles, a.bytes(), out.bytes(), from, to);
            } else if (op == Op.ACTIVATION_BACKWARD) {
                DirectLoops.reluBackward(doubles, a.bytes(), b.bytes(), out.bytes(), from, to);
            } else if (op == Op.BIAS_ACTIVATION) {
                DirectLoops.biasRelu(doubles, a.bytes(), b.bytes(), out.bytes(), from, to, unit);
            } else if (op == Op.ADAM && doubles) {
                DirectLoops.adam(a.bytes(), b.bytes(), c.bytes(), d.bytes(), from, to, s1, s2, 1 - s1, 1 - s2, s3, s4,
                        s5, Backend.STATE_FLOOR_FLOAT64);
            } else if (op == Op.ADAM) {
                DirectLoops.adam(a.bytes(), b.bytes(), c.bytes(), d.bytes(), from, to, (float) s1, (float) s2,
                        (float) (1 - s1), (float) (1 - s2), (float) s3, (float) s4, (float) s5,
                        Backend.STATE_FLOOR_FLOAT32);
            } else if (doubles) {
                DirectLoops.momentum(a.bytes(), b.bytes(), c.bytes(), from, to, s1, s2, s3 != 0,
                        Backend.STATE_FLOOR_FLOAT64);
            } else {
                DirectLoops.momentum(a.bytes(), b.bytes(), c.bytes(), from, to, (float) s1, (float) s2, s3 != 0,
                        Backend.STATE_FLOOR_FLOAT32);
            }
        }

        private void chunk64(HostArrays w, int from, int length) {
            double[] x = op == Op.WIDEN ? w.doubles(0, length) : doubles(w, 0, a, from, length);
            switch (op) {
                case ADD_ROW_VECTOR:
                    HostKernels64.addRowVector(x, doubles(w, 1, b, 0, unit), length / unit, unit, x);
                    break;
                case AXPBY:
                    HostKernels64.axpby(s1, x, s2, doubles(w, 1, b, from, length), length, x);
                    break;
                case ACTIVATION:
                    HostKernels64.activation(kind, x, length, x);
                    break;
                case BIAS_ACTIVATION:
                    double[] activated = w.doubles(2, length);
                    HostKernels64.biasActivation(kind, x, doubles(w, 1, b, 0, unit), length / unit, unit, activated);
                    a.doubles().put(from, x, 0, length);
                    x = activated;
                    break;
                case ACTIVATION_BACKWARD:
                    double[] grad = doubles(w, 1, b, from, length);
                    HostKernels64.activationBackward(kind, x, grad, length, grad);
                    x = grad;
                    break;
                case LEAKY_RELU:
                    HostKernels64.leakyRelu(s1, x, length, x);
                    break;
                case LEAKY_RELU_BACKWARD:
                    HostKernels64.leakyReluBackward(s1, x, doubles(w, 1, b, from, length), length, x);
                    break;
                case MULTIPLY_ROW_VECTOR:
                    HostKernels64.multiplyRowVector(x, doubles(w, 1, b, 0, unit), length / unit, unit, x);
                    break;
                case MULTIPLY:
                    HostKernels64.multiply(x, doubles(w, 1, b, from, length), length, x);
                    break;
                case ADAM:
                    double[] m = doubles(w, 2, c, from, length);
                    double[] v = doubles(w, 3, d, from, length);
                    HostKernels64.adam(x, doubles(w, 1, b, from, length), m, v, length, s1, s2, s3, s4, s5);
                    c.doubles().put(from, m, 0, length);
                    d.doubles().put(from, v, 0, length);
                    break;
                case MOMENTUM:
                    double[] velocity = doubles(w, 2, c, from, length);
                    HostKernels64.momentum(x, doubles(w, 1, b, from, length), velocity, length, s1, s2, s3 != 0);
                    c.doubles().put(from, velocity, 0, length);
                    break;
                case WIDEN:
                    for (int i = 0; i < length; i++) {
                        x[i] = source[from + i];
                    }
                    break;
                default:
                    throw new IllegalStateException(op.name());
            }
            out.doubles().put(from, x, 0, length);
        }

        private void chunk32(HostArrays w, int from, int length) {
            float[] x = floats(w, 0, a, from, length);
            switch (op) {
                case ADD_ROW_VECTOR:
                    HostKernels32.addRowVector(x, floats(w, 1, b, 0, unit), length / unit, unit, x);
                    break;
                case AXPBY:
                    HostKernels32.axpby(s1, x, s2, floats(w, 1, b, from, length), length, x);
                    break;
                case ACTIVATION:
                    HostKernels32.activation(kind, x, length, x);
                    break;
                case BIAS_ACTIVATION:
                    float[] activated = w.floats(2, length);
                    HostKernels32.biasActivation(kind, x, floats(w, 1, b, 0, unit), length / unit, unit, activated);
                    a.floats().put(from, x, 0, length);
                    x = activated;
                    break;
                case ACTIVATION_BACKWARD:
                    float[] grad = floats(w, 1, b, from, length);
                    HostKernels32.activationBackward(kind, x, grad, length, grad);
                    x = grad;
                    break;
                case LEAKY_RELU:
                    HostKernels32.leakyRelu(s1, x, length, x);
                    break;
                case LEAKY_RELU_BACKWARD:
                    HostKernels32.leakyReluBackward(s1, x, floats(w, 1, b, from, length), length, x);
                    break;
                case MULTIPLY_ROW_VECTOR:
                    HostKernels32.multiplyRowVector(x, floats(w, 1, b, 0, unit), length / unit, unit, x);
                    break;
                case MULTIPLY:
                    HostKernels32.multiply(x, floats(w, 1, b, from, length), length, x);
                    break;
                case ADAM:
                    float[] m = floats(w, 2, c, from, length);
                    float[] v = floats(w, 3, d, from, length);
                    HostKernels32.adam(x, floats(w, 1, b, from, length), m, v, length, s1, s2, s3, s4, s5);
                    c.floats().put(from, m, 0, length);
                    d.floats().put(from, v, 0, length);
                    break;
                case MOMENTUM:
                    float[] velocity = floats(w, 2, c, from, length);
                    HostKernels32.momentum(x, floats(w, 1, b, from, length), velocity, length, s1, s2, s3 != 0);
                    c.floats().put(from, velocity, 0, length);
                    break;
                default:
                    throw new IllegalStateException(op.name());
            }
            out.floats().put(from, x, 0, length);
        }

        /** Elements {@code from .. from + length} of {@code m} in work array {@code slot}. */
        private static double[] doubles(HostArrays w, int slot, Nd4jMatrix m, int from, int length) {
            double[] values = w.doubles(slot, length);
            m.doubles().get(from, values, 0, length);
            return values;
        }

        private static float[] floats(HostArrays w, int slot, Nd4jMatrix m, int from, int length) {
            float[] values = w.floats(slot, length);
            m.floats().get(from, values, 0, length);
            return values;
        }
    }
}
