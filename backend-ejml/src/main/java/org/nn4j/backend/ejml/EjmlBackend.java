package org.nn4j.backend.ejml;

import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Checks;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.api.StepPooling;
import org.nn4j.api.Operation;
import org.nn4j.api.RecurrentCell;
import org.nn4j.api.Window2d;
import org.nn4j.backend.host.ConvolutionByProducts;
import org.nn4j.backend.host.ImageIndex;
import org.nn4j.backend.host.WorkerPool;

/**
 * The Backend SPI on EJML. This class checks each call's arguments, as every backend does ({@link
 * Checks}), and hands it to the operations of its matrices' dtype: {@link EjmlOps64} on float64, and its
 * float32 twin {@code EjmlOps32}, generated from it at build time, so that no operation asks for the dtype.
 * Matrix products go to EJML's single-threaded kernels or the Vector API kernel, large ones split by bands
 * of C's rows across a {@link WorkerPool}; everything else is a plain loop over the row-major arrays.
 * Float32 transcendental functions and all reductions returned as {@code double} are computed in float64.
 *
 * <p>The operations that use this backend's worker threads or caches (products, image operations) hold
 * its lock: threads sharing it take turns there (see {@link Backend}); the others use nothing but their
 * arguments.
 */
public final class EjmlBackend implements Backend {

    static final String NAME = "ejml";
    /** Everything: the matrices are Java arrays, and every operation computes on them in place. */
    static final Set<Operation> NATIVE_OPERATIONS = Collections.unmodifiableSet(EnumSet.allOf(Operation.class));

    private final boolean vectorProducts;
    /** Each dtype's operations, by {@link DType#ordinal()}. */
    private final EjmlOps[] ops = new EjmlOps[DType.values().length];
    /** Each dtype's sequence operations (layer normalisation, GELU, attention), by {@link DType#ordinal()}. */
    private final EjmlSequences[] sequences = new EjmlSequences[DType.values().length];
    /** The index tables of the windows this backend has seen, for im2col and pooling. */
    private final Map<Window2d, int[]> patchIndexes = new HashMap<>();
    private final Map<Window2d, int[]> poolIndexes = new HashMap<>();
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
        WorkerPool pool = new WorkerPool("nn4j-ejml", threads);
        ops[DType.FLOAT32.ordinal()] = new EjmlOps32(pool, vectorProducts);
        ops[DType.FLOAT64.ordinal()] = new EjmlOps64(pool, vectorProducts);
        sequences[DType.FLOAT32.ordinal()] = new EjmlSequences32(pool);
        sequences[DType.FLOAT64.ordinal()] = new EjmlSequences64(pool);
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

    /** The operations of {@code m}'s dtype; throws when {@code m} is another backend's. */
    private EjmlOps ops(Matrix m) {
        return ops[EjmlMatrix.own(m).dtype().ordinal()];
    }

    // ---- creation and data transfer ----

    @Override
    public Matrix zeros(DType dtype, int rows, int cols) {
        Checks.shape(rows, cols);
        return ops[dtype.ordinal()].zeros(rows, cols);
    }

    @Override
    public void copyIn(double[] rowMajor, Matrix dst) {
        EjmlMatrix d = EjmlMatrix.own(dst);
        Checks.arrayLength("copyIn", d, rowMajor.length);
        ops(d).copyIn(rowMajor, d);
    }

    @Override
    public void copyIn(float[] rowMajor, Matrix dst) {
        EjmlMatrix d = EjmlMatrix.own(dst);
        Checks.arrayLength("copyIn", d, rowMajor.length);
        ops(d).copyIn(rowMajor, d);
    }

    @Override
    public void copyOut(Matrix src, double[] rowMajor) {
        EjmlMatrix s = EjmlMatrix.own(src);
        Checks.arrayLength("copyOut", s, rowMajor.length);
        ops(s).copyOut(s, rowMajor);
    }

    @Override
    public void copyOut(Matrix src, float[] rowMajor) {
        EjmlMatrix s = EjmlMatrix.own(src);
        Checks.arrayLength("copyOut", s, rowMajor.length);
        ops(s).copyOut(s, rowMajor);
    }

    @Override
    public Matrix reshape(Matrix m, int rows, int cols) {
        Checks.reshape(EjmlMatrix.own(m), rows, cols);
        return ops(m).reshape(m, rows, cols);
    }

    @Override
    public void copy(Matrix src, Matrix dst) {
        Checks.sameShape("copy", src, dst);
        ops(src).copy(src, dst);
    }

    @Override
    public void gatherRows(Matrix table, int[] ids, Matrix out) {
        Checks.rowsById("gatherRows", table, ids, out);
        ops(table).gatherRows(table, ids, out);
    }

    @Override
    public void scatterAddRows(Matrix rows, int[] ids, int skip, Matrix tableGrad) {
        Checks.rowsById("scatterAddRows", tableGrad, ids, rows);
        ops(rows).scatterAddRows(rows, ids, skip, tableGrad);
    }

    @Override
    public void poolSteps(StepPooling mode, Matrix x, int steps, int[] lengths, Matrix out, int[] from) {
        Checks.poolSteps("poolSteps", mode, x, steps, lengths, out, from);
        ops(x).poolSteps(mode, x, steps, lengths, out, from);
    }

    @Override
    public void poolStepsBackward(StepPooling mode, Matrix grad, int steps, int[] lengths, int[] from, Matrix out) {
        Checks.poolSteps("poolStepsBackward", mode, out, steps, lengths, grad, from);
        ops(grad).poolStepsBackward(mode, grad, steps, lengths, from, out);
    }

    @Override
    public void fill(Matrix dst, double value) {
        ops(dst).fill(dst, value);
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
        ops(c).gemm(transposeA, transposeB, alpha, a, b, beta, c);
    }

    @Override
    public void addRowVector(Matrix a, Matrix row, Matrix out) {
        Checks.addRowVector(a, row, out);
        ops(a).addRowVector(a, row, out);
    }

    @Override
    public void columnSums(Matrix a, Matrix out) {
        Checks.columnSums(a, out);
        ops(a).columnSums(a, out);
    }

    // ---- element-wise ----

    @Override
    public void axpby(double alpha, Matrix a, double beta, Matrix b, Matrix out) {
        Checks.sameShape("axpby", a, b, out);
        ops(a).axpby(alpha, a, beta, b, out);
    }

    @Override
    public void scale(double alpha, Matrix a, Matrix out) {
        Checks.sameShape("scale", a, out);
        ops(a).scale(alpha, a, out);
    }

    @Override
    public void multiply(Matrix a, Matrix b, Matrix out) {
        Checks.sameShape("multiply", a, b, out);
        ops(a).multiply(a, b, out);
    }

    @Override
    public void activation(ActivationKind kind, Matrix x, Matrix out) {
        Checks.activation(kind, x, out);
        ops(x).activation(kind, x, out);
    }

    @Override
    public void biasActivation(ActivationKind kind, Matrix z, Matrix bias, Matrix out) {
        Checks.biasActivation(kind, z, bias, out);
        ops(z).biasActivation(kind, z, bias, out);
    }

    @Override
    public void leakyRelu(double negativeSlope, Matrix x, Matrix out) {
        Checks.sameShape("leakyRelu", x, out);
        ops(x).leakyRelu(negativeSlope, x, out);
    }

    @Override
    public void leakyReluBackward(double negativeSlope, Matrix x, Matrix grad, Matrix out) {
        Checks.sameShape("leakyReluBackward", x, grad, out);
        ops(x).leakyReluBackward(negativeSlope, x, grad, out);
    }

    @Override
    public void multiplyRowVector(Matrix a, Matrix row, Matrix out) {
        Checks.multiplyRowVector(a, row, out);
        ops(a).multiplyRowVector(a, row, out);
    }

    @Override
    public void activationBackward(ActivationKind kind, Matrix x, Matrix y, Matrix grad, Matrix out) {
        // The derivatives from the output need no exp or tanh.
        Checks.activationBackward(kind, x, y, grad, out);
        ops(y).activationBackward(kind, y, grad, out);
    }

    @Override
    public void adamUpdate(Matrix param, Matrix grad, Matrix m, Matrix v, double beta1, double beta2,
            double stepSize, double vScale, double epsilon) {
        Checks.sameShape("adamUpdate", param, grad, m, v);
        ops(param).adamUpdate(param, grad, m, v, beta1, beta2, stepSize, vScale, epsilon);
    }

    @Override
    public void momentumUpdate(Matrix param, Matrix grad, Matrix velocity, double momentum, double learningRate,
            boolean nesterov) {
        Checks.sameShape("momentumUpdate", param, grad, velocity);
        ops(param).momentumUpdate(param, grad, velocity, momentum, learningRate, nesterov);
    }

    // ---- row-wise ----

    @Override
    public void softmaxRows(Matrix x, Matrix out) {
        Checks.sameShape("softmaxRows", x, out);
        ops(x).softmaxRows(x, out);
    }

    @Override
    public double softmaxCrossEntropy(Matrix logits, Matrix target, Matrix gradOut) {
        Checks.sameShape("softmaxCrossEntropy", logits, target, gradOut);
        return ops(logits).softmaxCrossEntropy(logits, target, gradOut);
    }

    @Override
    public void logSumExpRows(Matrix x, Matrix out) {
        Checks.logSumExpRows(x, out);
        ops(x).logSumExpRows(x, out);
    }

    @Override
    public void argmaxRows(Matrix x, int[] out) {
        Checks.argmaxRows(x, out);
        ops(x).argmaxRows(x, out);
    }

    // ---- images: the loops on the matrices' own arrays, along index tables kept per window ----

    @Override
    public synchronized void im2col(Matrix x, Window2d w, Matrix out) {
        Checks.images("im2col", x, w.inputSize(), out, x.rows() * w.positions(), w.patchSize());
        ops(x).im2col(x, w, patchIndexes.computeIfAbsent(w, ImageIndex::patchIndex), out);
    }

    @Override
    public synchronized void col2im(Matrix cols, Window2d w, Matrix out) {
        Checks.images("col2im", out, w.inputSize(), cols, out.rows() * w.positions(), w.patchSize());
        ops(cols).col2im(cols, w, patchIndexes.computeIfAbsent(w, ImageIndex::patchIndex), out);
    }

    @Override
    public synchronized void transposeBlocks(Matrix a, int blocks, int rows, int cols, Matrix out) {
        Checks.transposeBlocks(a, blocks, rows, cols, out);
        ops(a).transposeBlocks(a, blocks, rows, cols, out);
    }

    @Override
    public synchronized void recurrentForward(RecurrentCell cell, Matrix projections, Matrix weightHh, Matrix biasHh,
            int[] lengths, boolean reverse, Matrix out, Matrix cache) {
        int steps = Checks.recurrent("recurrentForward", cell, projections, weightHh, biasHh, lengths, out, cache);
        ops(out).recurrentForward(cell, projections, weightHh, biasHh, lengths, reverse, steps, out, cache);
    }

    @Override
    public synchronized void recurrentBackward(RecurrentCell cell, Matrix weightHh, int[] lengths, boolean reverse,
            Matrix out, Matrix cache, Matrix outGrad, Matrix projectionsGrad, Matrix weightHhGrad, Matrix biasHhGrad) {
        int steps = Checks.recurrentBackward(cell, weightHh, lengths, out, cache, outGrad, projectionsGrad,
                weightHhGrad, biasHhGrad);
        ops(out).recurrentBackward(cell, weightHh, lengths, reverse, steps, out, cache, outGrad, projectionsGrad,
                weightHhGrad, biasHhGrad);
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
        ops(x).maxPool2d(x, w, poolIndexes.computeIfAbsent(w, ImageIndex::poolIndex), out, argmax);
    }

    @Override
    public synchronized void maxPool2dBackward(Matrix grad, Matrix argmax, Window2d w, Matrix out) {
        Checks.images("maxPool2dBackward", out, w.inputSize(), grad, out.rows(), w.pooledSize());
        Checks.sameShape("maxPool2dBackward", grad, argmax);
        ops(grad).maxPool2dBackward(grad, argmax, w, out);
    }

    @Override
    public synchronized void avgPool2d(Matrix x, Window2d w, Matrix out) {
        Checks.images("avgPool2d", x, w.inputSize(), out, x.rows(), w.pooledSize());
        ops(x).avgPool2d(x, w, poolIndexes.computeIfAbsent(w, ImageIndex::poolIndex), out);
    }

    @Override
    public synchronized void avgPool2dBackward(Matrix grad, Window2d w, Matrix out) {
        Checks.images("avgPool2dBackward", out, w.inputSize(), grad, out.rows(), w.pooledSize());
        ops(grad).avgPool2dBackward(grad, w, poolIndexes.computeIfAbsent(w, ImageIndex::poolIndex), out);
    }

    // ---- reductions ----

    @Override
    public double sum(Matrix a) {
        return ops(a).sum(a);
    }

    @Override
    public double dot(Matrix a, Matrix b) {
        Checks.sameShape("dot", a, b);
        return ops(a).dot(a, b);
    }

    // ---- sequences: their own loops, under the lock (the pool and the work arrays) ----

    private EjmlSequences sequences(Matrix m) {
        return sequences[EjmlMatrix.own(m).dtype().ordinal()];
    }

    @Override
    public synchronized void layerNorm(Matrix x, Matrix weight, Matrix bias, double eps, Matrix out, Matrix mean,
            Matrix rstd) {
        Checks.layerNorm(x, weight, bias, eps, out, mean, rstd);
        sequences(x).layerNorm(x, weight, bias, eps, out, mean, rstd);
    }

    @Override
    public synchronized void layerNormBackward(Matrix grad, Matrix x, Matrix weight, Matrix mean, Matrix rstd,
            Matrix inputGrad, Matrix weightGrad, Matrix biasGrad) {
        Checks.layerNormBackward(grad, x, weight, mean, rstd, inputGrad, weightGrad, biasGrad);
        sequences(x).layerNormBackward(grad, x, weight, mean, rstd, inputGrad, weightGrad, biasGrad);
    }

    @Override
    public void gelu(boolean tanhApproximation, Matrix x, Matrix out) {
        Checks.sameShape("gelu", x, out);
        sequences(x).gelu(tanhApproximation, x, out);
    }

    @Override
    public void geluBackward(boolean tanhApproximation, Matrix x, Matrix grad, Matrix out) {
        Checks.sameShape("geluBackward", x, grad, out);
        sequences(x).geluBackward(tanhApproximation, x, grad, out);
    }

    @Override
    public synchronized void attention(Matrix qkv, int steps, int heads, int[] lengths, Matrix dropMask, Matrix probs,
            Matrix context) {
        Checks.attention("attention", qkv, steps, heads, lengths, dropMask, probs, context);
        sequences(qkv).attention(qkv, steps, heads, lengths, dropMask, probs, context);
    }

    @Override
    public synchronized void attentionBackward(Matrix grad, Matrix qkv, int steps, int heads, int[] lengths,
            Matrix dropMask, Matrix probs, Matrix qkvGrad) {
        Checks.attentionBackward(grad, qkv, steps, heads, lengths, dropMask, probs, qkvGrad);
        sequences(qkv).attentionBackward(grad, qkv, steps, heads, lengths, dropMask, probs, qkvGrad);
    }
}
