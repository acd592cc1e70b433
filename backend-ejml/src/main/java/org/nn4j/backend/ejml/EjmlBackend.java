package org.nn4j.backend.ejml;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Checks;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.api.Operation;
import org.nn4j.api.Window2d;
import org.nn4j.backend.host.ConvolutionByProducts;
import org.nn4j.backend.host.HostKernels32;
import org.nn4j.backend.host.HostKernels64;
import org.nn4j.backend.host.ImageIndex;
import org.nn4j.backend.host.ImageKernels32;
import org.nn4j.backend.host.ImageKernels64;
import org.nn4j.backend.host.WorkerPool;

/**
 * The Backend SPI on EJML. Matrix products go to EJML's single-threaded kernels, large ones split by
 * bands of C's rows across a {@link WorkerPool} (EJML's own multi-threaded kernels allocate task
 * objects on every call); everything else is a plain loop over the row-major arrays. Float32
 * transcendental functions and all reductions returned as {@code double} are computed in float64. *
 * <p>The operations that use this backend's worker threads or caches (products, image operations)
 * hold its lock: threads sharing it take turns there (see {@link Backend}); the others use nothing
 * but their arguments.
 */
public final class EjmlBackend implements Backend {

    static final String NAME = "ejml";
    /** Everything: the matrices are Java arrays, and every operation computes on them in place. */
    static final Set<Operation> NATIVE_OPERATIONS = Collections.unmodifiableSet(EnumSet.allOf(Operation.class));

    /** Products of at least this many multiply-adds are split across the pool's threads. */
    private static final long SPLIT_GEMM_WORK = 1L << 18;

    private final WorkerPool pool;
    /** The index tables of the windows this backend has seen, for im2col and pooling. */
    private final java.util.Map<Window2d, int[]> patchIndexes = new java.util.HashMap<>();
    private final java.util.Map<Window2d, int[]> poolIndexes = new java.util.HashMap<>();
    /** Image operations on fewer values run on the calling thread: a split costs tens of microseconds. */
    private static final long SPLIT_IMAGE_VALUES = 1 << 16;
    private final BandProduct product;
    /** op(B) of a product with B transposed, laid out for the vector kernel; grown as needed. */
    private float[] packed32 = new float[0];
    private double[] packed64 = new double[0];

    private final boolean vectorProducts;
    /** Convolutions as im2col and products of this backend, on work matrices kept between calls. */
    private final ConvolutionByProducts convolutions = new ConvolutionByProducts(this);

    /**
     * A backend that splits large products {@code threads} ways, on the Vector API kernel where the
     * JVM has {@code jdk.incubator.vector} (and {@code nn4j.ejml.vector} is not {@code false}).
     */
    public EjmlBackend(int threads) {
        this(threads, Products.enabled());
    }

    /**
     * A backend that splits large products {@code threads} ways, on the Vector API kernel when {@code
     * vectorProducts} (which needs {@code jdk.incubator.vector}), else on EJML's.
     */
    public EjmlBackend(int threads, boolean vectorProducts) {
        if (vectorProducts && !Products.AVAILABLE) {
            throw new IllegalArgumentException("the Vector API kernel needs --add-modules jdk.incubator.vector");
        }
        pool = new WorkerPool("nn4j-ejml", threads);
        product = new BandProduct(threads);
        this.vectorProducts = vectorProducts;
    }

    /** Whether products run on the Vector API kernel. */
    public boolean vectorProducts() {
        return vectorProducts;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Operation> nativeOperations() {
        return NATIVE_OPERATIONS;
    }

    // ---- creation and data transfer ----

    @Override
    public Matrix zeros(DType dtype, int rows, int cols) {
        Checks.shape(rows, cols);
        return dtype == DType.FLOAT64 ? new EjmlMatrix(new DMatrixRMaj(rows, cols))
                : new EjmlMatrix(new FMatrixRMaj(rows, cols));
    }

    @Override
    public void copyIn(double[] rowMajor, Matrix dst) {
        EjmlMatrix d = own(dst);
        Checks.arrayLength("copyIn", d, rowMajor.length);
        if (d.f64 != null) {
            System.arraycopy(rowMajor, 0, d.f64.data, 0, rowMajor.length);
        } else {
            float[] data = d.f32.data;
            for (int i = 0; i < rowMajor.length; i++) {
                data[i] = (float) rowMajor[i];
            }
        }
    }

    @Override
    public void copyIn(float[] rowMajor, Matrix dst) {
        EjmlMatrix d = own(dst);
        Checks.arrayLength("copyIn", d, rowMajor.length);
        if (d.f32 != null) {
            System.arraycopy(rowMajor, 0, d.f32.data, 0, rowMajor.length);
        } else {
            double[] data = d.f64.data;
            for (int i = 0; i < rowMajor.length; i++) {
                data[i] = rowMajor[i];
            }
        }
    }

    @Override
    public void copyOut(Matrix src, double[] rowMajor) {
        EjmlMatrix s = own(src);
        Checks.arrayLength("copyOut", s, rowMajor.length);
        if (s.f64 != null) {
            System.arraycopy(s.f64.data, 0, rowMajor, 0, rowMajor.length);
        } else {
            float[] data = s.f32.data;
            for (int i = 0; i < rowMajor.length; i++) {
                rowMajor[i] = data[i];
            }
        }
    }

    @Override
    public void copyOut(Matrix src, float[] rowMajor) {
        EjmlMatrix s = own(src);
        Checks.arrayLength("copyOut", s, rowMajor.length);
        if (s.f32 != null) {
            System.arraycopy(s.f32.data, 0, rowMajor, 0, rowMajor.length);
        } else {
            double[] data = s.f64.data;
            for (int i = 0; i < rowMajor.length; i++) {
                rowMajor[i] = (float) data[i];
            }
        }
    }

    @Override
    public void copy(Matrix src, Matrix dst) {
        Checks.sameShape("copy", src, dst);
        EjmlMatrix s = own(src);
        EjmlMatrix d = own(dst);
        if (s.f64 != null) {
            System.arraycopy(s.f64.data, 0, d.f64.data, 0, s.size());
        } else {
            System.arraycopy(s.f32.data, 0, d.f32.data, 0, s.size());
        }
    }

    @Override
    public void fill(Matrix dst, double value) {
        EjmlMatrix d = own(dst);
        if (d.f64 != null) {
            CommonOps_DDRM.fill(d.f64, value);
        } else {
            CommonOps_FDRM.fill(d.f32, (float) value);
        }
    }

    // ---- linear algebra ----

    @Override
    public synchronized void gemm(boolean transposeA, boolean transposeB, double alpha, Matrix a, Matrix b, double beta,
            Matrix c) {
        Checks.gemm(transposeA, transposeB, a, b, c);
        if (alpha == 0) {
            // BLAS semantics: A and B are not read, so a NaN in them cannot reach C.
            if (beta == 0) {
                fill(c, 0);
            } else {
                scale(beta, c, c);
            }
            return;
        }
        boolean split = pool.parts() > 1 && c.rows() > 1
                && (long) c.rows() * c.cols() * (transposeA ? a.rows() : a.cols()) >= SPLIT_GEMM_WORK;
        if (vectorProducts) {
            vectorGemm(transposeA, transposeB, alpha, own(a), own(b), beta, own(c), split);
        } else if (split) {
            product.set(transposeA, transposeB, alpha, own(a), own(b), beta, own(c));
            pool.run(product);
        } else if (own(c).f64 != null) {
            gemm64(transposeA, transposeB, alpha, own(a).f64, own(b).f64, beta, own(c).f64);
        } else {
            gemm32(transposeA, transposeB, (float) alpha, own(a).f32, own(b).f32, (float) beta, own(c).f32);
        }
    }

    /**
     * The product on {@link org.nn4j.backend.ejml.vector.VectorGemm}'s kernel: a transposed B is laid
     * out as op(B) once, then each band of C's rows (or all of C) is one call on the arrays themselves.
     */
    private void vectorGemm(boolean tA, boolean tB, double alpha, EjmlMatrix a, EjmlMatrix b, double beta,
            EjmlMatrix c, boolean split) {
        int k = tA ? a.rows() : a.cols();
        int n = c.cols();
        Object panel = null;
        if (tB) {
            if (c.f64 != null) {
                packed64 = packed64.length >= k * n ? packed64 : new double[k * n];
                Products.transpose(b.f64.data, n, k, packed64);
                panel = packed64;
            } else {
                packed32 = packed32.length >= k * n ? packed32 : new float[k * n];
                Products.transpose(b.f32.data, n, k, packed32);
                panel = packed32;
            }
        }
        product.setVector(tA, alpha, a, panel != null ? panel : c.f64 != null ? b.f64.data : b.f32.data, beta, c, k);
        if (split) {
            pool.run(product);
        } else {
            product.run(0, 1);
        }
    }

    /** EJML's single-threaded product: {@code C = alpha op(A) op(B) + beta C}. */
    private static void gemm64(boolean tA, boolean tB, double alpha, DMatrixRMaj a, DMatrixRMaj b, double beta,
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

    private static void gemm32(boolean tA, boolean tB, float alpha, FMatrixRMaj a, FMatrixRMaj b, float beta,
            FMatrixRMaj c) {
        if (beta == 0) {
            if (tA && tB) {
                CommonOps_FDRM.multTransAB(alpha, a, b, c);
            } else if (tA) {
                CommonOps_FDRM.multTransA(alpha, a, b, c);
            } else if (tB) {
                CommonOps_FDRM.multTransB(alpha, a, b, c);
            } else {
                CommonOps_FDRM.mult(alpha, a, b, c);
            }
            return;
        }
        if (beta != 1) {
            CommonOps_FDRM.scale(beta, c);
        }
        if (tA && tB) {
            CommonOps_FDRM.multAddTransAB(alpha, a, b, c);
        } else if (tA) {
            CommonOps_FDRM.multAddTransA(alpha, a, b, c);
        } else if (tB) {
            CommonOps_FDRM.multAddTransB(alpha, a, b, c);
        } else {
            CommonOps_FDRM.multAdd(alpha, a, b, c);
        }
    }

    @Override
    public void addRowVector(Matrix a, Matrix row, Matrix out) {
        Checks.addRowVector(a, row, out);
        EjmlMatrix ea = own(a);
        if (ea.f64 != null) {
            HostKernels64.addRowVector(ea.f64.data, own(row).f64.data, a.rows(), a.cols(), own(out).f64.data);
        } else {
            HostKernels32.addRowVector(ea.f32.data, own(row).f32.data, a.rows(), a.cols(), own(out).f32.data);
        }
    }

    // ---- images: ImageKernels' loops on the matrices' own arrays, along index tables kept per window ----

    @Override
    public synchronized void im2col(Matrix x, Window2d w, Matrix out) {
        Checks.images("im2col", x, w.inputSize(), out, x.rows() * w.positions(), w.patchSize());
        int[] index = patchIndexes.computeIfAbsent(w, ImageIndex::patchIndex);
        EjmlMatrix in = own(x);
        EjmlMatrix o = own(out);
        if (in.f32 != null) {
            split(x.rows(), out.size(), (from, to) -> ImageKernels32.gather(in.f32.data, from, to, w.inputSize(), index,
                    o.f32.data));
        } else {
            ImageKernels64.gather(in.f64.data, 0, x.rows(), w.inputSize(), index, o.f64.data);
        }
    }

    @Override
    public synchronized void col2im(Matrix cols, Window2d w, Matrix out) {
        Checks.images("col2im", out, w.inputSize(), cols, out.rows() * w.positions(), w.patchSize());
        int[] index = patchIndexes.computeIfAbsent(w, ImageIndex::patchIndex);
        EjmlMatrix in = own(cols);
        EjmlMatrix o = own(out);
        if (in.f32 != null) {
            split(out.rows(), cols.size(), (from, to) -> ImageKernels32.scatterAdd(in.f32.data, from, to, w.inputSize(),
                    index, o.f32.data));
        } else {
            ImageKernels64.scatterAdd(in.f64.data, 0, out.rows(), w.inputSize(), index, o.f64.data);
        }
    }

    @Override
    public synchronized void transposeBlocks(Matrix a, int blocks, int rows, int cols, Matrix out) {
        Checks.transposeBlocks(a, blocks, rows, cols, out);
        EjmlMatrix in = own(a);
        EjmlMatrix o = own(out);
        if (in.f32 != null) {
            split(blocks, out.size(), (from, to) -> ImageKernels32.transposeBlocks(in.f32.data, from, to, rows, cols,
                    o.f32.data));
        } else {
            ImageKernels64.transposeBlocks(in.f64.data, 0, blocks, rows, cols, o.f64.data);
        }
    }

    @Override
    public synchronized void conv2d(Matrix x, Window2d w, Matrix weight, Matrix bias, Matrix out) {
        convolutions.forward(x, w, weight, bias, out);
    }

    @Override
    public synchronized void conv2dBackward(Matrix grad, Matrix x, Window2d w, Matrix weight, Matrix weightGrad,
            Matrix biasGrad, Matrix inputGrad) {
        convolutions.backward(grad, x, w, weight, weightGrad, biasGrad, inputGrad);
    }

    @Override
    public synchronized void maxPool2d(Matrix x, Window2d w, Matrix out, Matrix argmax) {
        Checks.images("maxPool2d", x, w.inputSize(), out, x.rows(), w.pooledSize());
        Checks.sameShape("maxPool2d", out, argmax);
        int[] index = poolIndexes.computeIfAbsent(w, ImageIndex::poolIndex);
        EjmlMatrix in = own(x);
        EjmlMatrix o = own(out);
        EjmlMatrix at = own(argmax);
        if (in.f32 != null) {
            split(x.rows(), x.size(), (from, to) -> ImageKernels32.maxPool2d(in.f32.data, from, to, w, index, o.f32.data,
                    at.f32.data));
        } else {
            ImageKernels64.maxPool2d(in.f64.data, 0, x.rows(), w, index, o.f64.data, at.f64.data);
        }
    }

    @Override
    public synchronized void maxPool2dBackward(Matrix grad, Matrix argmax, Window2d w, Matrix out) {
        Checks.images("maxPool2dBackward", out, w.inputSize(), grad, out.rows(), w.pooledSize());
        Checks.sameShape("maxPool2dBackward", grad, argmax);
        EjmlMatrix g = own(grad);
        EjmlMatrix at = own(argmax);
        EjmlMatrix o = own(out);
        if (g.f32 != null) {
            split(out.rows(), out.size(), (from, to) -> ImageKernels32.maxPool2dBackward(g.f32.data, at.f32.data, from,
                    to, w, o.f32.data));
        } else {
            ImageKernels64.maxPool2dBackward(g.f64.data, at.f64.data, 0, out.rows(), w, o.f64.data);
        }
    }

    @Override
    public synchronized void avgPool2d(Matrix x, Window2d w, Matrix out) {
        Checks.images("avgPool2d", x, w.inputSize(), out, x.rows(), w.pooledSize());
        int[] index = poolIndexes.computeIfAbsent(w, ImageIndex::poolIndex);
        int window = w.kernelHeight() * w.kernelWidth();
        EjmlMatrix in = own(x);
        EjmlMatrix o = own(out);
        if (in.f32 != null) {
            split(x.rows(), x.size(), (from, to) -> ImageKernels32.avgPool2d(in.f32.data, from, to, w.inputSize(), index,
                    window, o.f32.data));
        } else {
            ImageKernels64.avgPool2d(in.f64.data, 0, x.rows(), w.inputSize(), index, window, o.f64.data);
        }
    }

    @Override
    public synchronized void avgPool2dBackward(Matrix grad, Window2d w, Matrix out) {
        Checks.images("avgPool2dBackward", out, w.inputSize(), grad, out.rows(), w.pooledSize());
        int[] index = poolIndexes.computeIfAbsent(w, ImageIndex::poolIndex);
        int window = w.kernelHeight() * w.kernelWidth();
        EjmlMatrix g = own(grad);
        EjmlMatrix o = own(out);
        if (g.f32 != null) {
            split(out.rows(), out.size(), (from, to) -> ImageKernels32.avgPool2dBackward(g.f32.data, from, to,
                    w.inputSize(), index, window, o.f32.data));
        } else {
            ImageKernels64.avgPool2dBackward(g.f64.data, 0, out.rows(), w.inputSize(), index, window, o.f64.data);
        }
    }

    /** Runs {@code range} over {@code n} examples, split across the pool when they touch many values. */
    private void split(int n, long values, WorkerPool.Range range) {
        if (values < SPLIT_IMAGE_VALUES) {
            range.run(0, n);
        } else {
            pool.split(n, range);
        }
    }

    @Override
    public void columnSums(Matrix a, Matrix out) {
        Checks.columnSums(a, out);
        EjmlMatrix ea = own(a);
        if (ea.f64 != null) {
            HostKernels64.columnSums(ea.f64.data, a.rows(), a.cols(), own(out).f64.data);
        } else {
            HostKernels32.columnSums(ea.f32.data, a.rows(), a.cols(), own(out).f32.data);
        }
    }

    // ---- element-wise ----

    @Override
    public void axpby(double alpha, Matrix a, double beta, Matrix b, Matrix out) {
        Checks.sameShape("axpby", a, b, out);
        EjmlMatrix ea = own(a);
        if (ea.f64 != null) {
            HostKernels64.axpby(alpha, ea.f64.data, beta, own(b).f64.data, a.size(), own(out).f64.data);
        } else {
            HostKernels32.axpby(alpha, ea.f32.data, beta, own(b).f32.data, a.size(), own(out).f32.data);
        }
    }

    @Override
    public void scale(double alpha, Matrix a, Matrix out) {
        Checks.sameShape("scale", a, out);
        EjmlMatrix ea = own(a);
        EjmlMatrix eo = own(out);
        if (ea.f64 != null) {
            CommonOps_DDRM.scale(alpha, ea.f64, eo.f64);
        } else {
            CommonOps_FDRM.scale((float) alpha, ea.f32, eo.f32);
        }
    }

    @Override
    public void multiply(Matrix a, Matrix b, Matrix out) {
        Checks.sameShape("multiply", a, b, out);
        EjmlMatrix ea = own(a);
        EjmlMatrix eb = own(b);
        EjmlMatrix eo = own(out);
        if (ea.f64 != null) {
            CommonOps_DDRM.elementMult(ea.f64, eb.f64, eo.f64);
        } else {
            CommonOps_FDRM.elementMult(ea.f32, eb.f32, eo.f32);
        }
    }

    @Override
    public void activation(ActivationKind kind, Matrix x, Matrix out) {
        Checks.activation(kind, x, out);
        EjmlMatrix ex = own(x);
        if (ex.f64 != null) {
            HostKernels64.activation(kind, ex.f64.data, x.size(), own(out).f64.data);
        } else {
            HostKernels32.activation(kind, ex.f32.data, x.size(), own(out).f32.data);
        }
    }

    @Override
    public void biasActivation(ActivationKind kind, Matrix z, Matrix bias, Matrix out) {
        Checks.biasActivation(kind, z, bias, out);
        EjmlMatrix ez = own(z);
        if (ez.f64 != null) {
            HostKernels64.biasActivation(kind, ez.f64.data, own(bias).f64.data, z.rows(), z.cols(), own(out).f64.data);
        } else {
            HostKernels32.biasActivation(kind, ez.f32.data, own(bias).f32.data, z.rows(), z.cols(), own(out).f32.data);
        }
    }

    @Override
    public void leakyRelu(double negativeSlope, Matrix x, Matrix out) {
        Checks.sameShape("leakyRelu", x, out);
        EjmlMatrix ex = own(x);
        if (ex.f64 != null) {
            HostKernels64.leakyRelu(negativeSlope, ex.f64.data, x.size(), own(out).f64.data);
        } else {
            HostKernels32.leakyRelu(negativeSlope, ex.f32.data, x.size(), own(out).f32.data);
        }
    }

    @Override
    public void leakyReluBackward(double negativeSlope, Matrix x, Matrix grad, Matrix out) {
        Checks.sameShape("leakyReluBackward", x, grad, out);
        EjmlMatrix ex = own(x);
        if (ex.f64 != null) {
            HostKernels64.leakyReluBackward(negativeSlope, ex.f64.data, own(grad).f64.data, x.size(), own(out).f64.data);
        } else {
            HostKernels32.leakyReluBackward(negativeSlope, ex.f32.data, own(grad).f32.data, x.size(), own(out).f32.data);
        }
    }

    @Override
    public void multiplyRowVector(Matrix a, Matrix row, Matrix out) {
        Checks.multiplyRowVector(a, row, out);
        EjmlMatrix ea = own(a);
        if (ea.f64 != null) {
            HostKernels64.multiplyRowVector(ea.f64.data, own(row).f64.data, a.rows(), a.cols(), own(out).f64.data);
        } else {
            HostKernels32.multiplyRowVector(ea.f32.data, own(row).f32.data, a.rows(), a.cols(), own(out).f32.data);
        }
    }

    @Override
    public void activationBackward(ActivationKind kind, Matrix x, Matrix y, Matrix grad, Matrix out) {
        // The derivatives from the output need no exp or tanh.
        Checks.activationBackward(kind, x, y, grad, out);
        EjmlMatrix ey = own(y);
        if (ey.f64 != null) {
            HostKernels64.activationBackward(kind, ey.f64.data, own(grad).f64.data, y.size(), own(out).f64.data);
        } else {
            HostKernels32.activationBackward(kind, ey.f32.data, own(grad).f32.data, y.size(), own(out).f32.data);
        }
    }

    @Override
    public void adamUpdate(Matrix param, Matrix grad, Matrix m, Matrix v, double beta1, double beta2,
            double stepSize, double vScale, double epsilon) {
        Checks.sameShape("adamUpdate", param, grad, m, v);
        EjmlMatrix ep = own(param);
        EjmlMatrix eg = own(grad);
        EjmlMatrix em = own(m);
        EjmlMatrix ev = own(v);
        if (ep.f64 != null) {
            HostKernels64.adam(ep.f64.data, eg.f64.data, em.f64.data, ev.f64.data, param.size(), beta1, beta2,
                    stepSize, vScale, epsilon);
        } else {
            HostKernels32.adam(ep.f32.data, eg.f32.data, em.f32.data, ev.f32.data, param.size(), beta1, beta2,
                    stepSize, vScale, epsilon);
        }
    }

    @Override
    public void momentumUpdate(Matrix param, Matrix grad, Matrix velocity, double momentum, double learningRate,
            boolean nesterov) {
        Checks.sameShape("momentumUpdate", param, grad, velocity);
        EjmlMatrix ep = own(param);
        if (ep.f64 != null) {
            HostKernels64.momentum(ep.f64.data, own(grad).f64.data, own(velocity).f64.data, param.size(), momentum,
                    learningRate, nesterov);
        } else {
            HostKernels32.momentum(ep.f32.data, own(grad).f32.data, own(velocity).f32.data, param.size(), momentum,
                    learningRate, nesterov);
        }
    }

    // ---- row-wise ----

    @Override
    public void softmaxRows(Matrix x, Matrix out) {
        Checks.sameShape("softmaxRows", x, out);
        EjmlMatrix ex = own(x);
        EjmlMatrix eo = own(out);
        if (ex.f64 != null) {
            HostKernels64.softmaxRows(ex.f64.data, x.rows(), x.cols(), eo.f64.data);
        } else {
            HostKernels32.softmaxRows(ex.f32.data, x.rows(), x.cols(), eo.f32.data);
        }
    }

    @Override
    public double softmaxCrossEntropy(Matrix logits, Matrix target, Matrix gradOut) {
        Checks.sameShape("softmaxCrossEntropy", logits, target, gradOut);
        EjmlMatrix o = own(logits);
        EjmlMatrix y = own(target);
        EjmlMatrix g = own(gradOut);
        int rows = logits.rows();
        int cols = logits.cols();
        if (o.f64 != null) {
            return HostKernels64.softmaxCrossEntropy(o.f64.data, y.f64.data, rows, cols, g.f64.data);
        }
        return HostKernels32.softmaxCrossEntropy(o.f32.data, y.f32.data, rows, cols, g.f32.data);
    }

    @Override
    public void logSumExpRows(Matrix x, Matrix out) {
        Checks.logSumExpRows(x, out);
        EjmlMatrix ex = own(x);
        EjmlMatrix eo = own(out);
        int cols = x.cols();
        int rows = x.rows();
        if (ex.f64 != null) {
            double[] in = ex.f64.data;
            double[] o = eo.f64.data;
            for (int i = 0; i < rows; i++) {
                o[i] = HostKernels64.logSumExp(in, i * cols, cols);
            }
        } else {
            float[] in = ex.f32.data;
            float[] o = eo.f32.data;
            for (int i = 0; i < rows; i++) {
                o[i] = (float) HostKernels32.logSumExp(in, i * cols, cols);
            }
        }
    }

    @Override
    public void argmaxRows(Matrix x, int[] out) {
        Checks.argmaxRows(x, out);
        EjmlMatrix ex = own(x);
        int cols = x.cols();
        for (int i = 0; i < out.length; i++) {
            int start = i * cols;
            int best = 0;
            if (ex.f64 != null) {
                double[] in = ex.f64.data;
                for (int j = 1; j < cols; j++) {
                    if (in[start + j] > in[start + best]) {
                        best = j;
                    }
                }
            } else {
                float[] in = ex.f32.data;
                for (int j = 1; j < cols; j++) {
                    if (in[start + j] > in[start + best]) {
                        best = j;
                    }
                }
            }
            out[i] = best;
        }
    }

    // ---- reductions ----

    @Override
    public double sum(Matrix a) {
        EjmlMatrix ea = own(a);
        double sum = 0;
        if (ea.f64 != null) {
            for (double v : ea.f64.data) {
                sum += v;
            }
        } else {
            for (float v : ea.f32.data) {
                sum += v;
            }
        }
        return sum;
    }

    @Override
    public double dot(Matrix a, Matrix b) {
        Checks.sameShape("dot", a, b);
        EjmlMatrix ea = own(a);
        EjmlMatrix eb = own(b);
        int size = a.size();
        double sum = 0;
        if (ea.f64 != null) {
            double[] x = ea.f64.data;
            double[] y = eb.f64.data;
            for (int i = 0; i < size; i++) {
                sum += x[i] * y[i];
            }
        } else {
            float[] x = ea.f32.data;
            float[] y = eb.f32.data;
            for (int i = 0; i < size; i++) {
                sum += (double) x[i] * y[i];
            }
        }
        return sum;
    }

    // ---- helpers ----

    private static EjmlMatrix own(Matrix m) {
        if (m instanceof EjmlMatrix) {
            return (EjmlMatrix) m;
        }
        throw new IllegalArgumentException("the ejml backend cannot use a matrix of another backend: " + m);
    }

    /**
     * One band of C's rows: the matching rows of op(A) (A's rows, or its columns when transposed) are
     * copied into the part's own matrix, the band is computed there with EJML's single-threaded kernel
     * and copied back. The copies cost a few microseconds; the products they split, milliseconds.
     */
    private static final class BandProduct implements WorkerPool.Task {
        private final DMatrixRMaj[] aBands64;
        private final DMatrixRMaj[] cBands64;
        private final FMatrixRMaj[] aBands32;
        private final FMatrixRMaj[] cBands32;
        private boolean transposeA;
        private boolean transposeB;
        private double alpha;
        private double beta;
        private EjmlMatrix a;
        private EjmlMatrix b;
        private EjmlMatrix c;

        BandProduct(int parts) {
            aBands64 = new DMatrixRMaj[parts];
            cBands64 = new DMatrixRMaj[parts];
            aBands32 = new FMatrixRMaj[parts];
            cBands32 = new FMatrixRMaj[parts];
            for (int part = 0; part < parts; part++) {
                aBands64[part] = new DMatrixRMaj(1, 1);
                cBands64[part] = new DMatrixRMaj(1, 1);
                aBands32[part] = new FMatrixRMaj(1, 1);
                cBands32[part] = new FMatrixRMaj(1, 1);
            }
        }

        /** op(B) as a row-major [k x n] array, for the vector kernel; null for EJML's. */
        private Object panel;
        private int inner;

        /** A product for the vector kernel: {@code panel} is op(B), row-major, {@code k x C.cols}. */
        void setVector(boolean transposeA, double alpha, EjmlMatrix a, Object panel, double beta, EjmlMatrix c,
                int k) {
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

        void set(boolean transposeA, boolean transposeB, double alpha, EjmlMatrix a, EjmlMatrix b, double beta,
                EjmlMatrix c) {
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
            int first = WorkerPool.from(part, parts, c.rows());
            int rows = WorkerPool.from(part + 1, parts, c.rows()) - first;
            if (rows == 0) {
                return;
            }
            int cols = c.cols();
            if (panel != null) {
                // op(A)'s row r is A's row r, or (transposed) A's column r: the band starts there.
                int aOff = transposeA ? first : first * a.cols();
                Products.gemm(transposeA, rows, cols, inner, alpha, a, aOff, panel, beta, c, first * cols);
                return;
            }
            if (c.f64 != null) {
                DMatrixRMaj aBand = aBands64[part];
                DMatrixRMaj cBand = cBands64[part];
                if (transposeA) {
                    aBand.reshape(a.rows(), rows);
                    for (int i = 0; i < a.rows(); i++) {
                        System.arraycopy(a.f64.data, i * a.cols() + first, aBand.data, i * rows, rows);
                    }
                } else {
                    aBand.reshape(rows, a.cols());
                    System.arraycopy(a.f64.data, first * a.cols(), aBand.data, 0, rows * a.cols());
                }
                cBand.reshape(rows, cols);
                if (beta != 0) {
                    System.arraycopy(c.f64.data, first * cols, cBand.data, 0, rows * cols);
                }
                gemm64(transposeA, transposeB, alpha, aBand, b.f64, beta, cBand);
                System.arraycopy(cBand.data, 0, c.f64.data, first * cols, rows * cols);
            } else {
                FMatrixRMaj aBand = aBands32[part];
                FMatrixRMaj cBand = cBands32[part];
                if (transposeA) {
                    aBand.reshape(a.rows(), rows);
                    for (int i = 0; i < a.rows(); i++) {
                        System.arraycopy(a.f32.data, i * a.cols() + first, aBand.data, i * rows, rows);
                    }
                } else {
                    aBand.reshape(rows, a.cols());
                    System.arraycopy(a.f32.data, first * a.cols(), aBand.data, 0, rows * a.cols());
                }
                cBand.reshape(rows, cols);
                if (beta != 0) {
                    System.arraycopy(c.f32.data, first * cols, cBand.data, 0, rows * cols);
                }
                gemm32(transposeA, transposeB, (float) alpha, aBand, b.f32, (float) beta, cBand);
                System.arraycopy(cBand.data, 0, c.f32.data, first * cols, rows * cols);
            }
        }
    }
}
