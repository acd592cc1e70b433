package org.nn4j.backend.ejml;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Matrix;
import org.nn4j.api.RecurrentCell;
import org.nn4j.api.StepPooling;
import org.nn4j.api.Window2d;
import org.nn4j.backend.host.Conversions;
import org.nn4j.backend.host.HostKernels64;
import org.nn4j.backend.host.ImageKernels64;
import org.nn4j.backend.host.TokenKernels64;
import org.nn4j.backend.host.WorkerPool;
import org.nn4j.codegen.Round;
import org.nn4j.codegen.Wide;

/**
 * The ejml backend's operations on float64 matrices ({@link EjmlMatrix64}, EJML's {@code DMatrixRMaj});
 * {@code EjmlOps32}, on float32 ones, is generated from this source at build time. Matrix products go to
 * EJML's single-threaded kernels or the Vector API kernel ({@link Products}), large ones split by bands of
 * C's rows across the backend's pool (EJML's own multi-threaded kernels allocate task objects on every
 * call); everything else is nn4j-backend-host's loops on the matrices' own arrays.
 */
final class EjmlOps64 extends EjmlOps {

    /** Products of at least this many multiply-adds are split across the pool's threads. */
    private static final long SPLIT_GEMM_WORK = 1L << 18;
    /** The Vector API kernel's product; null where the JVM lacks the Vector API. */
    private static final MethodHandle VECTOR_GEMM = vectorGemm();

    private final boolean vectorProducts;
    private final BandProduct product;
    private final EjmlRecurrence64 recurrence = new EjmlRecurrence64(this);
    /** op(B) of a product with B transposed, laid out for the vector kernel; grown as needed. */
    private double[] packed = new double[0];
    /** {@link #rowsProduct}'s A, B and C, per part of the pool's. */
    private final DMatrixRMaj[][] rowsWork;

    /** Operations on the backend's {@code pool}, products on the Vector API kernel when {@code vectorProducts}. */
    EjmlOps64(WorkerPool pool, boolean vectorProducts) {
        super(pool);
        this.vectorProducts = vectorProducts;
        this.product = new BandProduct(pool.parts());
        this.rowsWork = new DMatrixRMaj[pool.parts()][];
        for (int part = 0; part < rowsWork.length; part++) {
            rowsWork[part] = new DMatrixRMaj[] {new DMatrixRMaj(1, 1), new DMatrixRMaj(1, 1), new DMatrixRMaj(1, 1)};
        }
    }

    /**
     * The kernel, reached through a method handle so that nothing here names a class that needs the
     * incubator module (javadoc and the JVM without it never load it).
     */
    private static MethodHandle vectorGemm() {
        if (!Products.AVAILABLE) {
            return null;
        }
        try {
            return MethodHandles.publicLookup().findStatic(Class.forName("org.nn4j.backend.ejml.vector.VectorGemm64"),
                    "gemm", MethodType.methodType(void.class, boolean.class, int.class, int.class, int.class,
                            double.class, double[].class, int.class, int.class, double[].class, int.class, int.class,
                            double.class, double[].class, int.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static DMatrixRMaj matrix(Matrix m) {
        return ((EjmlMatrix64) EjmlMatrix.own(m)).matrix;
    }

    private static double[] data(Matrix m) {
        return matrix(m).data;
    }

    // ---- creation and data transfer ----

    @Override
    Matrix zeros(int rows, int cols) {
        return new EjmlMatrix64(new DMatrixRMaj(rows, cols));
    }

    @Override
    void copyIn(@Wide double[] values, Matrix dst) {
        Conversions.copy(values, data(dst), values.length);
    }

    @Override
    void copyIn(float[] values, Matrix dst) {
        Conversions.copy(values, data(dst), values.length);
    }

    @Override
    void copyOut(Matrix src, @Wide double[] values) {
        Conversions.copy(data(src), values, values.length);
    }

    @Override
    void copyOut(Matrix src, float[] values) {
        Conversions.copy(data(src), values, values.length);
    }

    @Override
    Matrix reshape(Matrix m, int rows, int cols) {
        return new EjmlMatrix64(DMatrixRMaj.wrap(rows, cols, data(m)));
    }

    @Override
    void gatherRows(Matrix table, int[] ids, Matrix out) {
        TokenKernels64.gatherRows(data(table), table.rows(), table.cols(), ids, out.rows(), data(out));
    }

    @Override
    void scatterAddRows(Matrix rows, int[] ids, int skip, Matrix tableGrad) {
        TokenKernels64.scatterAddRows(data(rows), rows.cols(), ids, rows.rows(), skip, data(tableGrad),
                tableGrad.rows());
    }

    @Override
    void poolSteps(StepPooling mode, Matrix x, int steps, int[] lengths, Matrix out, int[] from) {
        TokenKernels64.poolSteps(mode, data(x), x.rows(), steps, out.cols(), lengths, data(out), from);
    }

    @Override
    void poolStepsBackward(StepPooling mode, Matrix grad, int steps, int[] lengths, int[] from, Matrix out) {
        TokenKernels64.poolStepsBackward(mode, data(grad), grad.rows(), steps, grad.cols(), lengths, from,
                data(out));
    }

    @Override
    void copy(Matrix src, Matrix dst) {
        System.arraycopy(data(src), 0, data(dst), 0, src.size());
    }

    @Override
    void fill(Matrix dst, @Wide double value) {
        CommonOps_DDRM.fill(matrix(dst), (@Round double) value);
    }

    // ---- linear algebra ----

    @Override
    void gemm(boolean transposeA, boolean transposeB, @Wide double alpha, Matrix a, Matrix b, @Wide double beta,
            Matrix c) {
        product(transposeA, transposeB, alpha, matrix(a), matrix(b), beta, matrix(c));
    }

    /** {@link #gemm} on EJML's matrices: this backend's product, split across the pool when large. */
    void product(boolean transposeA, boolean transposeB, @Wide double alpha, DMatrixRMaj a, DMatrixRMaj b,
            @Wide double beta, DMatrixRMaj c) {
        boolean split = pool.parts() > 1 && c.numRows > 1
                && (long) c.numRows * c.numCols * (transposeA ? a.numRows : a.numCols) >= SPLIT_GEMM_WORK;
        if (vectorProducts) {
            vectorGemm(transposeA, transposeB, alpha, a, b, beta, c, split);
        } else if (split) {
            product.set(transposeA, transposeB, alpha, a, b, beta, c);
            pool.run(product);
        } else {
            ejmlGemm(transposeA, transposeB, (@Round double) alpha, a, b, (@Round double) beta, c);
        }
    }

    /**
     * The product on the Vector API kernel: a transposed B is laid out as op(B) once, then each band of
     * C's rows (or all of C) is one call on the arrays themselves.
     */
    private void vectorGemm(boolean tA, boolean tB, @Wide double alpha, DMatrixRMaj a, DMatrixRMaj b,
            @Wide double beta, DMatrixRMaj c, boolean split) {
        int k = tA ? a.numRows : a.numCols;
        int n = c.numCols;
        double[] panel = b.data;
        if (tB) {
            packed = packed.length >= k * n ? packed : new double[k * n];
            transpose(b.data, n, k, packed);
            panel = packed;
        }
        product.setVector(tA, alpha, a, panel, beta, c, k);
        if (split) {
            pool.run(product);
        } else {
            product.run(0, 1);
        }
    }

    /** {@code out} (row-major {@code cols x rows}) = the transpose of {@code b} ({@code rows x cols}). */
    private static void transpose(double[] b, int rows, int cols, double[] out) {
        for (int j = 0; j < rows; j++) {
            int row = j * cols;
            for (int p = 0; p < cols; p++) {
                out[p * rows + j] = b[row + p];
            }
        }
    }

    /**
     * Rows {@code from .. to} of {@code C = A B + beta C} on the calling thread, row-major arrays: A {@code ? x k},
     * B {@code k x cols}, C {@code ? x cols}; for part {@code part} of a split of the caller's, whose work
     * matrices it uses (EJML's kernel takes whole matrices, so there the band is copied in and out).
     */
    void rowsProduct(int part, double[] a, double[] b, int k, int cols, @Wide double beta, double[] c, int from,
            int to) {
        DMatrixRMaj[] work = rowsWork[part];
        int rows = to - from;
        if (vectorProducts) {
            work[0].data = a;
            work[0].numCols = k;
            work[2].data = c;
            vectorKernel(false, rows, cols, k, 1, work[0], from * k, b, beta, work[2], from * cols);
            return;
        }
        work[0].reshape(rows, k, false);
        System.arraycopy(a, from * k, work[0].data, 0, rows * k);
        work[1].data = b;
        work[1].numRows = k;
        work[1].numCols = cols;
        work[2].reshape(rows, cols, false);
        if (beta != 0) {
            System.arraycopy(c, from * cols, work[2].data, 0, rows * cols);
        }
        ejmlGemm(false, false, 1, work[0], work[1], (@Round double) beta, work[2]);
        System.arraycopy(work[2].data, 0, c, from * cols, rows * cols);
    }

    /** {@code rows} rows of C from {@code cOff}: alpha op(A) panel + beta C, A's band from {@code aOff}. */
    private static void vectorKernel(boolean tA, int rows, int cols, int k, @Wide double alpha, DMatrixRMaj a,
            int aOff, double[] panel, @Wide double beta, DMatrixRMaj c, int cOff) {
        try {
            VECTOR_GEMM.invokeExact(tA, rows, cols, k, (@Round double) alpha, a.data, aOff, a.numCols, panel, 0, cols,
                    (@Round double) beta, c.data, cOff, cols);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** EJML's single-threaded product: {@code C = alpha op(A) op(B) + beta C}. */
    private static void ejmlGemm(boolean tA, boolean tB, double alpha, DMatrixRMaj a, DMatrixRMaj b, double beta,
            DMatrixRMaj c) {
        if (beta == 0) {
            // EJML's mult overwrites C, so old contents (NaN included) are ignored as promised.
            if (tA && tB) {
                CommonOps_DDRM.multTransAB(alpha, a, b, c);
            } else if (tA) {
                CommonOps_DDRM.multTransA(alpha, a, b, c);
            } else if (tB) {
                CommonOps_DDRM.multTransB(alpha, a, b, c);
            } else {
                CommonOps_DDRM.mult(alpha, a, b, c);
            }
            return;
        }
        if (beta != 1) {
            CommonOps_DDRM.scale(beta, c);
        }
        if (tA && tB) {
            CommonOps_DDRM.multAddTransAB(alpha, a, b, c);
        } else if (tA) {
            CommonOps_DDRM.multAddTransA(alpha, a, b, c);
        } else if (tB) {
            CommonOps_DDRM.multAddTransB(alpha, a, b, c);
        } else {
            CommonOps_DDRM.multAdd(alpha, a, b, c);
        }
    }

    // ---- sequences: nn4j-backend-host's loop over the steps, each step's product on this backend's ----

    @Override
    void recurrentForward(RecurrentCell cell, Matrix projections, Matrix weightHh, Matrix biasHh, int[] lengths,
            boolean reverse, int steps, Matrix out, Matrix cache) {
        recurrence.forward(cell, data(projections), matrix(weightHh), biasHh == null ? null : data(biasHh), lengths,
                reverse, steps, out.rows(), out.cols() / (steps * weightHh.cols()), data(out), data(cache));
    }

    @Override
    void recurrentBackward(RecurrentCell cell, Matrix weightHh, int[] lengths, boolean reverse, int steps, Matrix out,
            Matrix cache, Matrix outGrad, Matrix projectionsGrad, Matrix weightHhGrad, Matrix biasHhGrad) {
        recurrence.backward(cell, matrix(weightHh), lengths, reverse, steps, out.rows(),
                out.cols() / (steps * weightHh.cols()), data(out), data(cache),
                data(outGrad), data(projectionsGrad), matrix(weightHhGrad), biasHhGrad == null ? null : data(biasHhGrad));
    }

    @Override
    void addRowVector(Matrix a, Matrix row, Matrix out) {
        HostKernels64.addRowVector(data(a), data(row), a.rows(), a.cols(), data(out));
    }

    @Override
    void columnSums(Matrix a, Matrix out) {
        HostKernels64.columnSums(data(a), a.rows(), a.cols(), data(out));
    }

    // ---- element-wise ----

    @Override
    void axpby(@Wide double alpha, Matrix a, @Wide double beta, Matrix b, Matrix out) {
        HostKernels64.axpby(alpha, data(a), beta, data(b), a.size(), data(out));
    }

    @Override
    void scale(@Wide double alpha, Matrix a, Matrix out) {
        CommonOps_DDRM.scale((@Round double) alpha, matrix(a), matrix(out));
    }

    @Override
    void multiply(Matrix a, Matrix b, Matrix out) {
        CommonOps_DDRM.elementMult(matrix(a), matrix(b), matrix(out));
    }

    @Override
    void activation(ActivationKind kind, Matrix x, Matrix out) {
        HostKernels64.activation(kind, data(x), x.size(), data(out));
    }

    @Override
    void biasActivation(ActivationKind kind, Matrix z, Matrix bias, Matrix out) {
        HostKernels64.biasActivation(kind, data(z), data(bias), z.rows(), z.cols(), data(out));
    }

    @Override
    void activationBackward(ActivationKind kind, Matrix y, Matrix grad, Matrix out) {
        HostKernels64.activationBackward(kind, data(y), data(grad), y.size(), data(out));
    }

    @Override
    void leakyRelu(@Wide double negativeSlope, Matrix x, Matrix out) {
        HostKernels64.leakyRelu(negativeSlope, data(x), x.size(), data(out));
    }

    @Override
    void leakyReluBackward(@Wide double negativeSlope, Matrix x, Matrix grad, Matrix out) {
        HostKernels64.leakyReluBackward(negativeSlope, data(x), data(grad), x.size(), data(out));
    }

    @Override
    void multiplyRowVector(Matrix a, Matrix row, Matrix out) {
        HostKernels64.multiplyRowVector(data(a), data(row), a.rows(), a.cols(), data(out));
    }

    @Override
    void adamUpdate(Matrix param, Matrix grad, Matrix m, Matrix v, @Wide double beta1, @Wide double beta2,
            @Wide double stepSize, @Wide double vScale, @Wide double epsilon) {
        HostKernels64.adam(data(param), data(grad), data(m), data(v), param.size(), beta1, beta2, stepSize, vScale,
                epsilon);
    }

    @Override
    void momentumUpdate(Matrix param, Matrix grad, Matrix velocity, @Wide double momentum,
            @Wide double learningRate, boolean nesterov) {
        HostKernels64.momentum(data(param), data(grad), data(velocity), param.size(), momentum, learningRate,
                nesterov);
    }

    // ---- row-wise ----

    @Override
    void softmaxRows(Matrix x, Matrix out) {
        HostKernels64.softmaxRows(data(x), x.rows(), x.cols(), data(out));
    }

    @Override
    @Wide double softmaxCrossEntropy(Matrix logits, Matrix target, Matrix gradOut) {
        return HostKernels64.softmaxCrossEntropy(data(logits), data(target), logits.rows(), logits.cols(),
                data(gradOut));
    }

    @Override
    void logSumExpRows(Matrix x, Matrix out) {
        HostKernels64.logSumExpRows(data(x), x.rows(), x.cols(), data(out));
    }

    @Override
    void argmaxRows(Matrix x, int[] out) {
        HostKernels64.argmaxRows(data(x), out.length, x.cols(), out);
    }

    // ---- images: the loops on the matrices' own arrays, split by examples across the pool ----

    @Override
    void im2col(Matrix x, Window2d w, int[] patchIndex, Matrix out) {
        double[] in = data(x);
        double[] o = data(out);
        split(x.rows(), out.size(), (from, to) -> ImageKernels64.gather(in, from, to, w.inputSize(), patchIndex, o));
    }

    @Override
    void col2im(Matrix cols, Window2d w, int[] patchIndex, Matrix out) {
        double[] in = data(cols);
        double[] o = data(out);
        split(out.rows(), cols.size(), (from, to) -> ImageKernels64.scatterAdd(in, from, to, w.inputSize(), patchIndex,
                o));
    }

    @Override
    void transposeBlocks(Matrix a, int blocks, int rows, int cols, Matrix out) {
        double[] in = data(a);
        double[] o = data(out);
        split(blocks, out.size(), (from, to) -> ImageKernels64.transposeBlocks(in, from, to, rows, cols, o));
    }

    @Override
    void maxPool2d(Matrix x, Window2d w, int[] poolIndex, Matrix out, Matrix argmax) {
        double[] in = data(x);
        double[] o = data(out);
        double[] at = data(argmax);
        split(x.rows(), x.size(), (from, to) -> ImageKernels64.maxPool2d(in, from, to, w, poolIndex, o, at));
    }

    @Override
    void maxPool2dBackward(Matrix grad, Matrix argmax, Window2d w, Matrix out) {
        double[] g = data(grad);
        double[] at = data(argmax);
        double[] o = data(out);
        split(out.rows(), out.size(), (from, to) -> ImageKernels64.maxPool2dBackward(g, at, from, to, w, o));
    }

    @Override
    void avgPool2d(Matrix x, Window2d w, int[] poolIndex, Matrix out) {
        double[] in = data(x);
        double[] o = data(out);
        int window = w.kernelHeight() * w.kernelWidth();
        split(x.rows(), x.size(), (from, to) -> ImageKernels64.avgPool2d(in, from, to, w.inputSize(), poolIndex, window,
                o));
    }

    @Override
    void avgPool2dBackward(Matrix grad, Window2d w, int[] poolIndex, Matrix out) {
        double[] g = data(grad);
        double[] o = data(out);
        int window = w.kernelHeight() * w.kernelWidth();
        split(out.rows(), out.size(), (from, to) -> ImageKernels64.avgPool2dBackward(g, from, to, w.inputSize(),
                poolIndex, window, o));
    }

    // ---- reductions ----

    @Override
    @Wide double sum(Matrix a) {
        return HostKernels64.sum(data(a), a.size());
    }

    @Override
    @Wide double dot(Matrix a, Matrix b) {
        return HostKernels64.dot(data(a), data(b), a.size());
    }

    /**
     * One band of C's rows: the matching rows of op(A) (A's rows, or its columns when transposed) are
     * copied into the part's own matrix, the band is computed there with EJML's single-threaded kernel
     * and copied back; or, for the Vector API kernel, one call on the band in place. The copies cost a few
     * microseconds; the products they split, milliseconds.
     */
    private static final class BandProduct implements WorkerPool.Task {
        private final DMatrixRMaj[] aBands;
        private final DMatrixRMaj[] cBands;
        private boolean transposeA;
        private boolean transposeB;
        private @Wide double alpha;
        private @Wide double beta;
        private DMatrixRMaj a;
        private DMatrixRMaj b;
        private DMatrixRMaj c;
        /** op(B) as a row-major [k x n] array, for the vector kernel; null for EJML's. */
        private double[] panel;
        private int inner;

        BandProduct(int parts) {
            aBands = new DMatrixRMaj[parts];
            cBands = new DMatrixRMaj[parts];
            for (int part = 0; part < parts; part++) {
                aBands[part] = new DMatrixRMaj(1, 1);
                cBands[part] = new DMatrixRMaj(1, 1);
            }
        }

        /** A product for the vector kernel: {@code panel} is op(B), row-major, {@code k x C.cols}. */
        void setVector(boolean transposeA, @Wide double alpha, DMatrixRMaj a, double[] panel, @Wide double beta,
                DMatrixRMaj c, int k) {
            this.transposeA = transposeA;
            this.transposeB = false;
            this.alpha = alpha;
            this.beta = beta;
            this.a = a;
            this.b = null;
            this.c = c;
            this.panel = panel;
            this.inner = k;
        }

        void set(boolean transposeA, boolean transposeB, @Wide double alpha, DMatrixRMaj a, DMatrixRMaj b,
                @Wide double beta, DMatrixRMaj c) {
            this.panel = null;
            this.transposeA = transposeA;
            this.transposeB = transposeB;
            this.alpha = alpha;
            this.beta = beta;
            this.a = a;
            this.b = b;
            this.c = c;
        }

        @Override
        public void run(int part, int parts) {
            int first = WorkerPool.from(part, parts, c.numRows);
            int rows = WorkerPool.from(part + 1, parts, c.numRows) - first;
            if (rows == 0) {
                return;
            }
            int cols = c.numCols;
            if (panel != null) {
                // op(A)'s row r is A's row r, or (transposed) A's column r: the band starts there.
                int aOff = transposeA ? first : first * a.numCols;
                vectorKernel(transposeA, rows, cols, inner, alpha, a, aOff, panel, beta, c, first * cols);
                return;
            }
            DMatrixRMaj aBand = aBands[part];
            DMatrixRMaj cBand = cBands[part];
            if (transposeA) {
                aBand.reshape(a.numRows, rows);
                for (int i = 0; i < a.numRows; i++) {
                    System.arraycopy(a.data, i * a.numCols + first, aBand.data, i * rows, rows);
                }
            } else {
                aBand.reshape(rows, a.numCols);
                System.arraycopy(a.data, first * a.numCols, aBand.data, 0, rows * a.numCols);
            }
            cBand.reshape(rows, cols);
            if (beta != 0) {
                System.arraycopy(c.data, first * cols, cBand.data, 0, rows * cols);
            }
            ejmlGemm(transposeA, transposeB, (@Round double) alpha, aBand, b, (@Round double) beta, cBand);
            System.arraycopy(cBand.data, 0, c.data, first * cols, rows * cols);
        }
    }
}
