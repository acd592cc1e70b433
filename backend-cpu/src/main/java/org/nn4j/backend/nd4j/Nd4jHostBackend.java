package org.nn4j.backend.nd4j;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Checks;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.api.Operation;
import org.nn4j.api.Window2d;
import org.nn4j.backend.host.ImageIndex;
import org.nn4j.backend.host.WorkerPool;

/**
 * {@code nd4j-cpu}: the Backend SPI on nd4j-native's host memory, without ND4J's op machinery where a
 * training step runs. Data moves by bulk copies; products call the OpenBLAS nd4j-native links, directly
 * on ND4J's memory; element-wise work, updates and images are nn4j-backend-host's loops ({@link
 * HostMemoryOps}, {@link HostConvolution}, {@link HostPooling}), split across this backend's threads.
 * Only the row-wise ops it shares with {@link Nd4jDeviceBackend} are ND4J's.
 */
final class Nd4jHostBackend extends Nd4jBackend {
    /** The hot operations on host memory. */
    private final HostMemoryOps hostOps;
    /** The index tables of the windows this backend has seen, for im2col and pooling. */
    private final Map<Window2d, int[]> patchIndexes = new HashMap<>();
    private final Map<Window2d, int[]> poolIndexes = new HashMap<>();
    /** Each dtype's im2col, col2im and block transpose, by {@link DType#ordinal()}. */
    private final HostImages[] images = new HostImages[DType.values().length];

    /**
     * Loads ND4J; {@code threads} parts for {@link HostMemoryOps}, each calling BLAS on one thread (ND4J's
     * own kernels get half as many), with optimizer updates and ReLU in place on the Vector API where
     * the JVM has it ({@link DirectLoops#enabled()}).
     *
     * @param name the provider name this backend is reported under
     */
    Nd4jHostBackend(String name, int threads) {
        this(name, threads, DirectLoops.enabled());
    }

    /**
     * As {@link #Nd4jHostBackend(String, int)}, with optimizer updates and ReLU in place on the Vector API
     * ({@link DirectLoops}) when {@code vectorLoops}, which needs {@code jdk.incubator.vector}.
     */
    Nd4jHostBackend(String name, int threads, boolean vectorLoops) {
        super(name, threads, 1);
        if (vectorLoops && !DirectLoops.AVAILABLE) {
            throw new IllegalArgumentException("loops on the Vector API need --add-modules jdk.incubator.vector");
        }
        this.hostOps = new HostMemoryOps(host, threads, vectorLoops);
        images[DType.FLOAT32.ordinal()] = new HostImages32(host, hostOps.pool());
        images[DType.FLOAT64.ordinal()] = new HostImages64(host, hostOps.pool());
        splitSequencesOn(hostOps.pool());
    }

    @Override
    public Set<Operation> nativeOperations() {
        return Nd4jOperations.HOST;
    }

    /** The threads this backend splits its work across. */
    WorkerPool pool() {
        return hostOps.pool();
    }

    @Override
    void product(boolean transposeA, boolean transposeB, double alpha, Nd4jMatrix a, Nd4jMatrix b, double beta,
            Nd4jMatrix c) {
        hostOps.gemm(transposeA, transposeB, alpha, a, b, beta, c);
    }

    /** A bulk copy of host memory: ND4J's assign makes objects on every call. */
    @Override
    public synchronized void copy(Matrix src, Matrix dst) {
        Checks.sameShape("copy", src, dst);
        ByteBuffer from = own(src).bytes();
        own(dst).bytes().put(0, from, 0, from.capacity());
    }

    // ---- element-wise ----

    @Override
    public synchronized void addRowVector(Matrix a, Matrix row, Matrix out) {
        Checks.addRowVector(a, row, out);
        hostOps.addRowVector(own(a), own(row), own(out));
    }

    @Override
    public synchronized void columnSums(Matrix a, Matrix out) {
        Checks.columnSums(a, out);
        hostOps.columnSums(own(a), own(out));
    }

    @Override
    public synchronized void axpby(double alpha, Matrix a, double beta, Matrix b, Matrix out) {
        Checks.sameShape("axpby", a, b, out);
        hostOps.axpby(alpha, own(a), beta, own(b), own(out));
    }

    @Override
    public synchronized void multiply(Matrix a, Matrix b, Matrix out) {
        Checks.sameShape("multiply", a, b, out);
        hostOps.multiply(own(a), own(b), own(out));
    }

    @Override
    public synchronized void activation(ActivationKind kind, Matrix x, Matrix out) {
        Checks.activation(kind, x, out);
        hostOps.activation(kind, own(x), own(out));
    }

    @Override
    public synchronized void biasActivation(ActivationKind kind, Matrix z, Matrix bias, Matrix out) {
        Checks.biasActivation(kind, z, bias, out);
        hostOps.biasActivation(kind, own(z), own(bias), own(out));
    }

    @Override
    public synchronized void leakyRelu(double negativeSlope, Matrix x, Matrix out) {
        Checks.sameShape("leakyRelu", x, out);
        hostOps.leakyRelu(negativeSlope, own(x), own(out));
    }

    @Override
    public synchronized void leakyReluBackward(double negativeSlope, Matrix x, Matrix grad, Matrix out) {
        Checks.sameShape("leakyReluBackward", x, grad, out);
        hostOps.leakyReluBackward(negativeSlope, own(x), own(grad), own(out));
    }

    @Override
    public synchronized void multiplyRowVector(Matrix a, Matrix row, Matrix out) {
        Checks.multiplyRowVector(a, row, out);
        hostOps.multiplyRowVector(own(a), own(row), own(out));
    }

    @Override
    public synchronized void activationBackward(ActivationKind kind, Matrix x, Matrix y, Matrix grad, Matrix out) {
        Checks.activationBackward(kind, x, y, grad, out);
        hostOps.activationBackward(kind, own(y), own(grad), own(out));
    }

    @Override
    public synchronized void adamUpdate(Matrix param, Matrix grad, Matrix m, Matrix v, double beta1, double beta2,
            double stepSize, double vScale, double epsilon) {
        Checks.sameShape("adamUpdate", param, grad, m, v);
        hostOps.adam(own(param), own(grad), own(m), own(v), beta1, beta2, stepSize, vScale, epsilon);
    }

    @Override
    public synchronized void momentumUpdate(Matrix param, Matrix grad, Matrix velocity, double momentum, double learningRate,
            boolean nesterov) {
        Checks.sameShape("momentumUpdate", param, grad, velocity);
        hostOps.momentum(own(param), own(grad), own(velocity), momentum, learningRate, nesterov);
    }

    // ---- sequences: in place on host memory ----

    @Override
    public synchronized void gatherRows(Matrix table, int[] ids, Matrix out) {
        Checks.rowsById("gatherRows", table, ids, out);
        if (table.dtype() == DType.FLOAT64) {
            HostSequences64.gatherRows(own(table), ids, own(out));
        } else {
            HostSequences32.gatherRows(own(table), ids, own(out));
        }
    }

    @Override
    public synchronized void scatterAddRows(Matrix rows, int[] ids, int skip, Matrix tableGrad) {
        Checks.rowsById("scatterAddRows", tableGrad, ids, rows);
        if (rows.dtype() == DType.FLOAT64) {
            HostSequences64.scatterAddRows(own(rows), ids, skip, own(tableGrad));
        } else {
            HostSequences32.scatterAddRows(own(rows), ids, skip, own(tableGrad));
        }
    }

    // ---- images: nn4j-backend-host's loops on host copies, along index tables kept per window ----

    @Override
    public synchronized void im2col(Matrix x, Window2d w, Matrix out) {
        Checks.images("im2col", x, w.inputSize(), out, x.rows() * w.positions(), w.patchSize());
        int[] index = patchIndexes.computeIfAbsent(w, ImageIndex::patchIndex);
        images[x.dtype().ordinal()].im2col(own(x), w, index, own(out));
    }

    @Override
    public synchronized void col2im(Matrix cols, Window2d w, Matrix out) {
        Checks.images("col2im", out, w.inputSize(), cols, out.rows() * w.positions(), w.patchSize());
        int[] index = patchIndexes.computeIfAbsent(w, ImageIndex::patchIndex);
        images[cols.dtype().ordinal()].col2im(own(cols), w, index, own(out));
    }

    @Override
    public synchronized void transposeBlocks(Matrix a, int blocks, int rows, int cols, Matrix out) {
        Checks.transposeBlocks(a, blocks, rows, cols, out);
        images[a.dtype().ordinal()].transposeBlocks(own(a), blocks, rows, cols, own(out));
    }

    @Override
    public synchronized void conv2d(Matrix x, Window2d w, Matrix weight, Matrix bias, Matrix out) {
        Checks.conv2d("conv2d", x, w, weight, bias, out);
        hostOps.convolution().forward(own(x), w, patchIndexes.computeIfAbsent(w, ImageIndex::patchIndex),
                own(weight), bias == null ? null : own(bias), own(out));
    }

    @Override
    public synchronized void conv2dBackward(Matrix grad, Matrix x, Window2d w, Matrix weight, Matrix weightGrad,
            Matrix biasGrad, Matrix inputGrad) {
        Checks.conv2dBackward(grad, x, w, weight, weightGrad, biasGrad, inputGrad);
        hostOps.convolution().backward(own(grad), own(x), w, patchIndexes.computeIfAbsent(w, ImageIndex::patchIndex),
                own(weight), own(weightGrad), biasGrad == null ? null : own(biasGrad),
                inputGrad == null ? null : own(inputGrad));
    }

    @Override
    public synchronized void maxPool2d(Matrix x, Window2d w, Matrix out, Matrix argmax) {
        Checks.images("maxPool2d", x, w.inputSize(), out, x.rows(), w.pooledSize());
        Checks.sameShape("maxPool2d", out, argmax);
        hostOps.pooling().run(HostPooling.Op.MAX, w, poolIndexes.computeIfAbsent(w, ImageIndex::poolIndex), own(x),
                null, own(out), own(argmax));
    }

    @Override
    public synchronized void maxPool2dBackward(Matrix grad, Matrix argmax, Window2d w, Matrix out) {
        Checks.images("maxPool2dBackward", out, w.inputSize(), grad, out.rows(), w.pooledSize());
        Checks.sameShape("maxPool2dBackward", grad, argmax);
        hostOps.pooling().run(HostPooling.Op.MAX_BACKWARD, w, poolIndexes.computeIfAbsent(w,
                ImageIndex::poolIndex), own(grad), own(argmax), own(out), null);
    }

    @Override
    public synchronized void avgPool2d(Matrix x, Window2d w, Matrix out) {
        Checks.images("avgPool2d", x, w.inputSize(), out, x.rows(), w.pooledSize());
        hostOps.pooling().run(HostPooling.Op.AVG, w, poolIndexes.computeIfAbsent(w, ImageIndex::poolIndex), own(x),
                null, own(out), null);
    }

    @Override
    public synchronized void avgPool2dBackward(Matrix grad, Window2d w, Matrix out) {
        Checks.images("avgPool2dBackward", out, w.inputSize(), grad, out.rows(), w.pooledSize());
        hostOps.pooling().run(HostPooling.Op.AVG_BACKWARD, w, poolIndexes.computeIfAbsent(w,
                ImageIndex::poolIndex), own(grad), null, own(out), null);
    }

    // The transfers: one bulk copy of host memory each.

    @Override
    void putFloats(Nd4jMatrix m, float[] values) {
        m.floats().put(0, values, 0, m.size());
    }

    @Override
    void putDoubles(Nd4jMatrix m, double[] values) {
        m.doubles().put(0, values, 0, m.size());
    }

    @Override
    void getFloats(Nd4jMatrix m, float[] values) {
        m.floats().get(0, values, 0, m.size());
    }

    @Override
    void getDoubles(Nd4jMatrix m, double[] values) {
        m.doubles().get(0, values, 0, m.size());
    }

    @Override
    void widen(float[] values, Nd4jMatrix out) {
        hostOps.widen(values, out);
    }
}
