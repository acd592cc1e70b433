package org.nn4j.backend.nd4j;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.custom.LogSumExp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Checks;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.api.RecurrentCell;
import org.nn4j.api.StepPooling;
import org.nn4j.backend.host.HostKernels64;
import org.nn4j.backend.host.WorkerPool;

/**
 * What the two ND4J backends share: ND4J loaded and its threads set, matrices as {@link Nd4jMatrix},
 * the operations both run the same way (creation, copies, scaling, the row-wise ND4J ops, the fused
 * loss and the reductions on the host) and the conversions between dtypes. Each path is a class of its
 * own: {@link Nd4jHostBackend} on nd4j-native's host memory (nd4j-cpu: OpenBLAS called directly and
 * loops), {@link Nd4jDeviceBackend} on ND4J's ops (nd4j-cuda, whose arrays live on the GPU).
 *
 * <p>Every operation holds this backend's lock: threads sharing it take turns (see {@link Backend}).
 */
abstract class Nd4jBackend implements Backend {
    private final String name;
    /** Work arrays by shape and purpose, made on first use and kept. */
    final Map<String, INDArray> scratch = new HashMap<>();
    /** Java arrays for transfers, reductions and host loops, kept between calls. */
    final HostArrays host = new HostArrays();
    /** Each dtype's sequence operations (layer normalisation, GELU, attention), by {@link DType#ordinal()}. */
    private final Nd4jSequences[] sequences = new Nd4jSequences[DType.values().length];

    /**
     * Loads ND4J and sets its threads (see {@link Nd4jThreads}): ND4J's own kernels get half of {@code
     * threads} (at least one), its BLAS {@code blasThreads}.
     *
     * @param name the provider name this backend is reported under
     */
    Nd4jBackend(String name, int threads, int blasThreads) {
        this.name = name;
        // Both only take effect once ND4J's native side is loaded, which asking for the backend does.
        Nd4j.getBackend();
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(Nd4jThreads.elementWise(threads));
        Nd4j.factory().blas().setMaxThreads(blasThreads);
        sequences[DType.FLOAT32.ordinal()] = new Nd4jSequences32(this);
        sequences[DType.FLOAT64.ordinal()] = new Nd4jSequences64(this);
    }

    @Override
    public String name() {
        return name;
    }

    // ---- creation and data transfer ----

    @Override
    public synchronized Matrix zeros(DType dtype, int rows, int cols) {
        Checks.shape(rows, cols);
        return new Nd4jMatrix(Nd4j.create(dataType(dtype), rows, cols), dtype);
    }

    @Override
    public synchronized Matrix reshape(Matrix m, int rows, int cols) {
        Nd4jMatrix own = own(m);
        Checks.reshape(own, rows, cols);
        // A matrix over the same buffer, never reshape's copy: its host pointers and device memory are the same.
        return new Nd4jMatrix(Nd4j.create(own.array.data(), new long[] {rows, cols}), own.dtype());
    }

    @Override
    public synchronized void copyIn(double[] rowMajor, Matrix dst) {
        Nd4jMatrix d = own(dst);
        Checks.arrayLength("copyIn", d, rowMajor.length);
        put(rowMajor, d);
    }

    @Override
    public synchronized void copyIn(float[] rowMajor, Matrix dst) {
        Nd4jMatrix d = own(dst);
        Checks.arrayLength("copyIn", d, rowMajor.length);
        if (d.dtype() == DType.FLOAT32) {
            putFloats(d, rowMajor);
        } else {
            widen(rowMajor, d);
        }
    }

    @Override
    public synchronized void copyOut(Matrix src, double[] rowMajor) {
        Nd4jMatrix s = own(src);
        Checks.arrayLength("copyOut", s, rowMajor.length);
        get(s, rowMajor);
    }

    @Override
    public synchronized void copyOut(Matrix src, float[] rowMajor) {
        Nd4jMatrix s = own(src);
        Checks.arrayLength("copyOut", s, rowMajor.length);
        if (s.dtype() == DType.FLOAT32) {
            getFloats(s, rowMajor);
        } else {
            double[] values = host.doubles(0, rowMajor.length);
            getDoubles(s, values);
            for (int i = 0; i < rowMajor.length; i++) {
                rowMajor[i] = (float) values[i];
            }
        }
    }

    @Override
    public synchronized void copy(Matrix src, Matrix dst) {
        Checks.sameShape("copy", src, dst);
        own(dst).array.assign(own(src).array);
    }

    /**
     * nn4j-backend-host's loop on host copies of the matrices' dtype (the means summed in float64): copies of
     * nd4j-cpu's host memory, a round trip on the device path.
     */
    @Override
    public synchronized void poolSteps(StepPooling mode, Matrix x, int steps, int[] lengths, Matrix out, int[] from) {
        Checks.poolSteps("poolSteps", mode, x, steps, lengths, out, from);
        sequences(x).poolSteps(mode, x, steps, lengths, out, from);
    }

    @Override
    public synchronized void poolStepsBackward(StepPooling mode, Matrix grad, int steps, int[] lengths, int[] from,
            Matrix out) {
        Checks.poolSteps("poolStepsBackward", mode, out, steps, lengths, grad, from);
        sequences(out).poolStepsBackward(mode, grad, steps, lengths, from, out);
    }

    @Override
    public synchronized void fill(Matrix dst, double value) {
        own(dst).array.assign(value);
    }

    // ---- linear algebra ----

    @Override
    public synchronized void gemm(boolean transposeA, boolean transposeB, double alpha, Matrix a, Matrix b, double beta,
            Matrix c) {
        Checks.gemm(transposeA, transposeB, a, b, c);
        INDArray out = own(c).array;
        if (alpha == 0) {
            // BLAS semantics: A and B are not read, so a NaN in them cannot reach C.
            if (beta == 0) {
                out.assign(0);
            } else {
                out.muli(beta);
            }
            return;
        }
        product(transposeA, transposeB, alpha, own(a), own(b), beta, own(c));
    }

    /** {@link #gemm} with {@code alpha != 0}, checked; with {@code beta == 0}, C is not read. */
    abstract void product(boolean transposeA, boolean transposeB, double alpha, Nd4jMatrix a, Nd4jMatrix b,
            double beta, Nd4jMatrix c);

    @Override
    public synchronized void scale(double alpha, Matrix a, Matrix out) {
        Checks.sameShape("scale", a, out);
        own(a).array.mul(alpha, own(out).array);
    }

    // ---- row-wise ----

    @Override
    public synchronized void softmaxRows(Matrix x, Matrix out) {
        Checks.sameShape("softmaxRows", x, out);
        Nd4j.exec(new SoftMax(own(x).array, own(out).array, 1));
    }

    /**
     * On the host, in float64: the logits and targets are batch x classes, small enough that one bulk
     * copy each way costs less than the four native ops (each with its fixed cost) it replaces.
     */
    @Override
    public synchronized double softmaxCrossEntropy(Matrix logits, Matrix target, Matrix gradOut) {
        Checks.sameShape("softmaxCrossEntropy", logits, target, gradOut);
        int rows = logits.rows();
        int cols = logits.cols();
        int size = logits.size();
        double[] values = host.doubles(0, size);
        double[] targets = host.doubles(1, size);
        double[] grad = host.doubles(2, size);
        get(own(logits), values);
        get(own(target), targets);
        double loss = HostKernels64.softmaxCrossEntropy(values, targets, rows, cols, grad);
        put(grad, own(gradOut));
        return loss;
    }

    @Override
    public synchronized void logSumExpRows(Matrix x, Matrix out) {
        Checks.logSumExpRows(x, out);
        Nd4j.exec(new LogSumExp(own(x).array, vector(out), false, 1));
    }

    @Override
    public synchronized void argmaxRows(Matrix x, int[] out) {
        Checks.argmaxRows(x, out);
        long[] indices = own(x).array.argMax(1).toLongVector();
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) indices[i];
        }
    }

    // ---- sequences ----

    /** Each dtype's recurrence ({@link HostRecurrence}), by {@link DType#ordinal()}, made on first use. */
    private final HostRecurrence[] recurrences = new HostRecurrence[DType.values().length];

    private HostRecurrence recurrence(DType dtype) {
        HostRecurrence recurrence = recurrences[dtype.ordinal()];
        if (recurrence == null) {
            // The host path's products and cell passes on its threads; the device path's on the calling thread.
            boolean blas = this instanceof Nd4jHostBackend;
            WorkerPool pool = blas ? ((Nd4jHostBackend) this).pool() : null;
            recurrence = dtype == DType.FLOAT64 ? new HostRecurrence64(this, blas, pool)
                    : new HostRecurrence32(this, blas, pool);
            recurrences[dtype.ordinal()] = recurrence;
        }
        return recurrence;
    }

    @Override
    public synchronized void recurrentForward(RecurrentCell cell, Matrix projections, Matrix weightHh, Matrix biasHh,
            int[] lengths, boolean reverse, Matrix out, Matrix cache) {
        int steps = Checks.recurrent("recurrentForward", cell, projections, weightHh, biasHh, lengths, out, cache);
        recurrence(out.dtype()).forward(cell, own(projections), own(weightHh), biasHh == null ? null : own(biasHh),
                lengths, reverse, steps, own(out), own(cache));
    }

    @Override
    public synchronized void recurrentBackward(RecurrentCell cell, Matrix weightHh, int[] lengths, boolean reverse,
            Matrix out, Matrix cache, Matrix outGrad, Matrix projectionsGrad, Matrix weightHhGrad, Matrix biasHhGrad) {
        int steps = Checks.recurrentBackward(cell, weightHh, lengths, out, cache, outGrad, projectionsGrad,
                weightHhGrad, biasHhGrad);
        recurrence(out.dtype()).backward(cell, own(weightHh), lengths, reverse, steps, own(out), own(cache),
                own(outGrad), own(projectionsGrad), own(weightHhGrad), biasHhGrad == null ? null : own(biasHhGrad));
    }

    // ---- reductions ----

    @Override
    public synchronized double sum(Matrix a) {
        double[] values = host.doubles(0, a.size());
        get(own(a), values);
        return HostKernels64.sum(values, a.size());
    }

    @Override
    public synchronized double dot(Matrix a, Matrix b) {
        Checks.sameShape("dot", a, b);
        double[] x = host.doubles(0, a.size());
        double[] y = host.doubles(1, a.size());
        get(own(a), x);
        get(own(b), y);
        return HostKernels64.dot(x, y, a.size());
    }

    // ---- sequences: nn4j-backend-host's loops on Java copies of the operands (see Nd4jSequences) ----

    /** Splits the attention operations across {@code pool}'s threads (the host path's). */
    final void splitSequencesOn(org.nn4j.backend.host.WorkerPool pool) {
        for (Nd4jSequences s : sequences) {
            s.splitOn(pool);
        }
    }

    private Nd4jSequences sequences(Matrix m) {
        return sequences[own(m).dtype().ordinal()];
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
    public synchronized void gelu(boolean tanhApproximation, Matrix x, Matrix out) {
        Checks.sameShape("gelu", x, out);
        sequences(x).gelu(tanhApproximation, x, out);
    }

    @Override
    public synchronized void geluBackward(boolean tanhApproximation, Matrix x, Matrix grad, Matrix out) {
        Checks.sameShape("geluBackward", x, grad, out);
        sequences(x).geluBackward(tanhApproximation, x, grad, out);
    }

    @Override
    public synchronized void attention(Matrix qkv, int steps, int heads, int[] lengths, Matrix dropMask,
            Matrix probs, Matrix context) {
        Checks.attention("attention", qkv, steps, heads, lengths, dropMask, probs, context);
        sequences(qkv).attention(qkv, steps, heads, lengths, dropMask, probs, context);
    }

    @Override
    public synchronized void attentionBackward(Matrix grad, Matrix qkv, int steps, int heads, int[] lengths,
            Matrix dropMask, Matrix probs, Matrix qkvGrad) {
        Checks.attentionBackward(grad, qkv, steps, heads, lengths, dropMask, probs, qkvGrad);
        sequences(qkv).attentionBackward(grad, qkv, steps, heads, lengths, dropMask, probs, qkvGrad);
    }

    // ---- helpers ----

    /** Writes the first {@code m.size()} of {@code values} into {@code m}, rounded to its dtype. */
    final void put(double[] values, Nd4jMatrix m) {
        if (m.dtype() == DType.FLOAT64) {
            putDoubles(m, values);
        } else {
            float[] converted = host.floats(0, m.size());
            for (int i = 0; i < m.size(); i++) {
                converted[i] = (float) values[i];
            }
            putFloats(m, converted);
        }
    }

    /** Reads {@code m} into the first {@code m.size()} of {@code values}, as float64. */
    final void get(Nd4jMatrix m, double[] values) {
        if (m.dtype() == DType.FLOAT64) {
            getDoubles(m, values);
        } else {
            float[] floats = host.floats(0, m.size());
            getFloats(m, floats);
            for (int i = 0; i < m.size(); i++) {
                values[i] = floats[i];
            }
        }
    }

    // The transfers: one bulk copy of host memory on nd4j-native; on nd4j-cuda, whose arrays live on the
    // device, ND4J's own calls, which move the data between host and device.

    /** Writes the first {@code m.size()} of {@code values} into float32 matrix {@code m}. */
    abstract void putFloats(Nd4jMatrix m, float[] values);

    /** Writes the first {@code m.size()} of {@code values} into float64 matrix {@code m}. */
    abstract void putDoubles(Nd4jMatrix m, double[] values);

    /** Reads float32 matrix {@code m} into the first {@code m.size()} of {@code values}. */
    abstract void getFloats(Nd4jMatrix m, float[] values);

    /** Reads float64 matrix {@code m} into the first {@code m.size()} of {@code values}. */
    abstract void getDoubles(Nd4jMatrix m, double[] values);

    /** Writes {@code values} into {@code out}, a float64 matrix of as many elements. */
    abstract void widen(float[] values, Nd4jMatrix out);

    /** A work array of {@code type} and {@code shape}, made on first use and kept for the next. */
    final INDArray scratch(DataType type, long... shape) {
        String key = type + " " + Arrays.toString(shape);
        return scratch.computeIfAbsent(key, k -> Nd4j.create(type, shape));
    }

    /** A work matrix of {@code like}'s shape and type, made on first use and kept for the next. */
    final INDArray scratch(Nd4jMatrix like) {
        String key = like.dtype() + " " + like.shape();
        return scratch.computeIfAbsent(key, k -> Nd4j.create(dataType(like.dtype()), like.rows(), like.cols()));
    }

    static DataType dataType(DType dtype) {
        return dtype == DType.FLOAT64 ? DataType.DOUBLE : DataType.FLOAT;
    }

    /** A row or column matrix as the rank-1 view ND4J's broadcasts and reductions expect. */
    static INDArray vector(Matrix m) {
        return own(m).array.reshape(m.size());
    }

    static Nd4jMatrix own(Matrix m) {
        if (m instanceof Nd4jMatrix) {
            return (Nd4jMatrix) m;
        }
        throw new IllegalArgumentException("an ND4J backend cannot use a matrix of another backend: " + m);
    }

    static UnsupportedOperationException unsupported(ActivationKind kind) {
        return new UnsupportedOperationException("the ND4J backends have no activation " + kind);
    }
}
