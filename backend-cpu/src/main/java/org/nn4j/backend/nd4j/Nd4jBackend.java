package org.nn4j.backend.nd4j;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.reduce.custom.LogSumExp;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.SigmoidDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.TanhDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Checks;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.api.Operation;
import org.nn4j.api.Window2d;
import org.nn4j.backend.host.ConvolutionByProducts;
import org.nn4j.backend.host.HostKernels;
import org.nn4j.backend.host.ImageKernels;
import org.nn4j.backend.host.WorkerPool;

/**
 * The Backend SPI on whichever ND4J backend is live. Operations are ND4J ops, run on ND4J's native
 * side and writing into the caller's output. The fused softmax cross-entropy (batch x classes, smaller
 * than ND4J's per-op cost) always runs on the host. On nd4j-native, whose arrays live in host memory,
 * data moves by bulk copies and a training step's hot operations skip ND4J's ops: see {@link
 * HostMemoryOps}. *
 * <p>Every operation holds this backend's lock: threads sharing it take turns (see {@link Backend}).
 */
public final class Nd4jBackend implements Backend {
    private final String name;
    /** The hot operations on host memory; null on nd4j-cuda. */
    private final HostMemoryOps hostOps;
    private final Map<String, INDArray> scratch = new HashMap<>();
    private final HostArrays host = new HostArrays();
    /** The index tables of the windows this backend has seen, for im2col and pooling. */
    private final Map<Window2d, int[]> patchIndexes = new HashMap<>();
    private final Map<Window2d, int[]> poolIndexes = new HashMap<>();
    /** Convolutions off the host (nd4j-cuda): im2col and one product per batch, on ND4J's ops. */
    private final ConvolutionByProducts byProducts = new ConvolutionByProducts(this);
    /** Image operations on fewer values run on the calling thread: a split costs tens of microseconds. */
    private static final long SPLIT_IMAGE_VALUES = 1 << 16;

    /**
     * Loads ND4J and sets its threads (see {@link Nd4jThreads}): on host memory, {@code threads} parts
     * for {@link HostMemoryOps}, each calling BLAS on one thread; elsewhere, {@code threads} for ND4J's
     * BLAS. ND4J's own kernels get half as many (at least one).
     *
     * @param name the provider name this backend is reported under
     * @param hostMemory whether arrays live in host memory (nd4j-native), where a training step's hot
     *     operations run as direct BLAS calls and plain loops over that memory instead of ND4J ops
     */
    public Nd4jBackend(String name, int threads, boolean hostMemory) {
        this(name, threads, hostMemory, DirectLoops.enabled());
    }

    /**
     * As {@link #Nd4jBackend(String, int, boolean)}, with optimizer updates and ReLU in place on the
     * Vector API ({@link DirectLoops}) when {@code vectorLoops}, which needs {@code jdk.incubator.vector}.
     */
    Nd4jBackend(String name, int threads, boolean hostMemory, boolean vectorLoops) {
        if (vectorLoops && !DirectLoops.AVAILABLE) {
            throw new IllegalArgumentException("loops on the Vector API need --add-modules jdk.incubator.vector");
        }
        this.name = name;
        this.hostOps = hostMemory ? new HostMemoryOps(host, threads, vectorLoops) : null;
        // Both only take effect once ND4J's native side is loaded, which asking for the backend does.
        Nd4j.getBackend();
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(Nd4jThreads.elementWise(threads));
        Nd4j.factory().blas().setMaxThreads(hostOps != null ? 1 : threads);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Operation> nativeOperations() {
        return hostOps != null ? Nd4jOperations.HOST : Nd4jOperations.DEVICE;
    }

    // ---- creation and data transfer ----

    @Override
    public synchronized Matrix zeros(DType dtype, int rows, int cols) {
        Checks.shape(rows, cols);
        return new Nd4jMatrix(Nd4j.create(dataType(dtype), rows, cols), dtype);
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
        } else if (hostOps != null) {
            hostOps.widen(rowMajor, d);
        } else {
            double[] converted = host.doubles(0, rowMajor.length);
            for (int i = 0; i < rowMajor.length; i++) {
                converted[i] = rowMajor[i];
            }
            putDoubles(d, converted);
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
        if (hostOps != null) {
            hostOps.gemm(transposeA, transposeB, alpha, own(a), own(b), beta, own(c));
            return;
        }
        // With beta 0 ND4J's matmul does not read C (the kit checks this with a C full of NaN).
        Nd4j.gemm(own(a).array, own(b).array, out, transposeA, transposeB, alpha, beta);
    }

    @Override
    public synchronized void addRowVector(Matrix a, Matrix row, Matrix out) {
        Checks.addRowVector(a, row, out);
        if (hostOps != null) {
            hostOps.addRowVector(own(a), own(row), own(out));
            return;
        }
        Nd4j.getExecutioner().exec(new BroadcastAddOp(own(a).array, vector(row), own(out).array, 1));
    }

    @Override
    public synchronized void columnSums(Matrix a, Matrix out) {
        Checks.columnSums(a, out);
        if (hostOps != null) {
            hostOps.columnSums(own(a), own(out));
            return;
        }
        Nd4j.getExecutioner().exec(new Sum(own(a).array, vector(out), 0));
    }

    // ---- element-wise ----

    @Override
    public synchronized void axpby(double alpha, Matrix a, double beta, Matrix b, Matrix out) {
        Checks.sameShape("axpby", a, b, out);
        if (hostOps != null) {
            hostOps.axpby(alpha, own(a), beta, own(b), own(out));
            return;
        }
        INDArray x = own(a).array;
        INDArray y = own(b).array;
        INDArray z = own(out).array;
        if (z == x) {
            // out = alpha * a, then out += beta * b
            x.muli(alpha);
            Nd4j.getExecutioner().exec(new Axpy(y, x, x, beta));
        } else {
            // out = beta * b (out may be b), then out += alpha * a
            y.mul(beta, z);
            Nd4j.getExecutioner().exec(new Axpy(x, z, z, alpha));
        }
    }

    @Override
    public synchronized void scale(double alpha, Matrix a, Matrix out) {
        Checks.sameShape("scale", a, out);
        own(a).array.mul(alpha, own(out).array);
    }

    @Override
    public synchronized void multiply(Matrix a, Matrix b, Matrix out) {
        Checks.sameShape("multiply", a, b, out);
        if (hostOps != null) {
            hostOps.multiply(own(a), own(b), own(out));
            return;
        }
        own(a).array.mul(own(b).array, own(out).array);
    }

    @Override
    public synchronized void activation(ActivationKind kind, Matrix x, Matrix out) {
        Checks.activation(kind, x, out);
        if (hostOps != null) {
            hostOps.activation(kind, own(x), own(out));
            return;
        }
        INDArray in = own(x).array;
        INDArray z = own(out).array;
        switch (kind) {
            case SIGMOID:
                Nd4j.getExecutioner().exec(new Sigmoid(in, z));
                break;
            case TANH:
                Nd4j.getExecutioner().exec(new Tanh(in, z));
                break;
            case RELU:
                Nd4j.getExecutioner().exec(new RectifiedLinear(in, z, 0.0));
                break;
            default:
                throw unsupported(kind);
        }
    }

    @Override
    public synchronized void biasActivation(ActivationKind kind, Matrix z, Matrix bias, Matrix out) {
        Checks.biasActivation(kind, z, bias, out);
        if (hostOps != null) {
            hostOps.biasActivation(kind, own(z), own(bias), own(out));
            return;
        }
        Backend.super.biasActivation(kind, z, bias, out);
    }

    @Override
    public synchronized void leakyRelu(double negativeSlope, Matrix x, Matrix out) {
        Checks.sameShape("leakyRelu", x, out);
        if (hostOps != null) {
            hostOps.leakyRelu(negativeSlope, own(x), own(out));
            return;
        }
        Backend.super.leakyRelu(negativeSlope, x, out);
    }

    @Override
    public synchronized void leakyReluBackward(double negativeSlope, Matrix x, Matrix grad, Matrix out) {
        Checks.sameShape("leakyReluBackward", x, grad, out);
        if (hostOps != null) {
            hostOps.leakyReluBackward(negativeSlope, own(x), own(grad), own(out));
            return;
        }
        Backend.super.leakyReluBackward(negativeSlope, x, grad, out);
    }

    @Override
    public synchronized void multiplyRowVector(Matrix a, Matrix row, Matrix out) {
        Checks.multiplyRowVector(a, row, out);
        if (hostOps != null) {
            hostOps.multiplyRowVector(own(a), own(row), own(out));
            return;
        }
        Backend.super.multiplyRowVector(a, row, out);
    }

    @Override
    public synchronized void activationBackward(ActivationKind kind, Matrix x, Matrix y, Matrix grad, Matrix out) {
        Checks.activationBackward(kind, x, y, grad, out);
        if (hostOps != null) {
            hostOps.activationBackward(kind, own(y), own(grad), own(out));
            return;
        }
        // ND4J's derivative ops take the input: one fused native pass each.
        INDArray in = own(x).array;
        INDArray g = own(grad).array;
        INDArray z = own(out).array;
        switch (kind) {
            case SIGMOID:
                Nd4j.getExecutioner().exec(new SigmoidDerivative(in, g, z));
                break;
            case TANH:
                Nd4j.getExecutioner().exec(new TanhDerivative(in, g, z));
                break;
            case RELU:
                Nd4j.getExecutioner().exec(new RectifiedLinearDerivative(in, g, z));
                break;
            default:
                throw unsupported(kind);
        }
    }

    @Override
    public synchronized void adamUpdate(Matrix param, Matrix grad, Matrix m, Matrix v, double beta1, double beta2,
            double stepSize, double vScale, double epsilon) {
        Checks.sameShape("adamUpdate", param, grad, m, v);
        if (hostOps != null) {
            hostOps.adam(own(param), own(grad), own(m), own(v), beta1, beta2, stepSize, vScale, epsilon);
            return;
        }
        INDArray p = own(param).array;
        INDArray g = own(grad).array;
        INDArray m1 = own(m).array;
        INDArray v1 = own(v).array;
        INDArray update = scratch(own(param));
        // ND4J's fused Adam computes update = lr_t m / (sqrt(v) + eps'), with lr_t = lr sqrt(1 - beta2^(i+1)) /
        // (1 - beta1^(i+1)) from its own iteration count i. At the largest iteration both powers are 0, so
        // lr_t is the rate given: stepSize / vScale; and eps' = epsilon / vScale makes this the SPI's step.
        Nd4j.exec(new AdamUpdater(g, v1, m1, update, v1, m1, stepSize / vScale, beta1, beta2, epsilon / vScale,
                Integer.MAX_VALUE - 1));
        // The update above already used the moments before the flush: a moment at most the floor
        // moves a parameter by far less than its last bit.
        flushState(m1);
        flushState(v1);
        p.subi(update);
    }

    @Override
    public synchronized void momentumUpdate(Matrix param, Matrix grad, Matrix velocity, double momentum, double learningRate,
            boolean nesterov) {
        Checks.sameShape("momentumUpdate", param, grad, velocity);
        if (hostOps != null) {
            hostOps.momentum(own(param), own(grad), own(velocity), momentum, learningRate, nesterov);
            return;
        }
        INDArray p = own(param).array;
        INDArray g = own(grad).array;
        INDArray b = own(velocity).array;
        b.muli(momentum).addi(g);
        flushState(b);
        // param += -learningRate * grad (Nesterov only), then param += -learningRate * (momentum) velocity
        if (nesterov) {
            Nd4j.getExecutioner().exec(new Axpy(g, p, p, -learningRate));
        }
        Nd4j.getExecutioner().exec(new Axpy(b, p, p, nesterov ? -learningRate * momentum : -learningRate));
    }

    /** Sets to zero the values no larger in magnitude than the SPI's state floor, on ND4J's own ops. */
    private static void flushState(INDArray state) {
        double floor = state.dataType() == DataType.DOUBLE ? Backend.STATE_FLOOR_FLOAT64
                : Backend.STATE_FLOOR_FLOAT32;
        BooleanIndexing.replaceWhere(state, 0.0, Conditions.absLessThanOrEqual(floor));
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
        double loss = HostKernels.softmaxCrossEntropy(values, targets, rows, cols, grad);
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

    // ---- reductions ----

    @Override
    public synchronized double sum(Matrix a) {
        double[] values = host.doubles(0, a.size());
        get(own(a), values);
        double sum = 0;
        for (int i = 0; i < a.size(); i++) {
            sum += values[i];
        }
        return sum;
    }

    @Override
    public synchronized double dot(Matrix a, Matrix b) {
        Checks.sameShape("dot", a, b);
        double[] x = host.doubles(0, a.size());
        double[] y = host.doubles(1, a.size());
        get(own(a), x);
        get(own(b), y);
        double sum = 0;
        for (int i = 0; i < a.size(); i++) {
            sum += x[i] * y[i];
        }
        return sum;
    }

    // ---- images: ImageKernels' loops on host copies kept between calls, along index tables kept per window ----

    @Override
    public synchronized void im2col(Matrix x, Window2d w, Matrix out) {
        Checks.images("im2col", x, w.inputSize(), out, x.rows() * w.positions(), w.patchSize());
        if (hostOps == null) {
            // On the device: ND4J's im2col gives [n, C, kh, kw, oh, ow]; the rows are (n, oh, ow).
            int n = x.rows();
            INDArray image = own(x).array.reshape('c', n, w.channels(), w.height(), w.width());
            INDArray cols = scratch(dataType(x.dtype()), n, w.channels(), w.kernelHeight(), w.kernelWidth(),
                    w.outHeight(), w.outWidth());
            Nd4j.exec(DynamicCustomOp.builder("im2col").addInputs(image).addOutputs(cols)
                    .addIntegerArguments(w.kernelHeight(), w.kernelWidth(), w.strideHeight(), w.strideWidth(),
                            w.paddingHeight(), w.paddingWidth(), 1, 1, 0).build());
            own(out).array.reshape('c', n, w.outHeight(), w.outWidth(), w.channels(), w.kernelHeight(),
                    w.kernelWidth()).assign(cols.permute(0, 4, 5, 1, 2, 3));
            return;
        }
        int[] index = patchIndexes.computeIfAbsent(w, ImageKernels::patchIndex);
        if (x.dtype() == DType.FLOAT32) {
            float[] cols = host.floats(2, out.size());
            float[] in = floatsOf(x, 1);
            split(x.rows(), out.size(), (from, to) -> ImageKernels.gather(in, from, to, w.inputSize(), index, cols));
            putFloats(own(out), cols);
        } else {
            double[] cols = host.doubles(2, out.size());
            ImageKernels.gather(doublesOf(x, 1), x.rows(), w.inputSize(), index, cols);
            putDoubles(own(out), cols);
        }
    }

    @Override
    public synchronized void col2im(Matrix cols, Window2d w, Matrix out) {
        Checks.images("col2im", out, w.inputSize(), cols, out.rows() * w.positions(), w.patchSize());
        if (hostOps == null) {
            // On the device: back to ND4J's [n, C, kh, kw, oh, ow], which its col2im sums into images.
            int n = out.rows();
            INDArray patches = own(cols).array.reshape('c', n, w.outHeight(), w.outWidth(), w.channels(),
                    w.kernelHeight(), w.kernelWidth()).permute(0, 3, 4, 5, 1, 2).dup('c');
            INDArray image = scratch(dataType(out.dtype()), n, w.channels(), w.height(), w.width());
            Nd4j.exec(DynamicCustomOp.builder("col2im").addInputs(patches).addOutputs(image)
                    .addIntegerArguments(w.strideHeight(), w.strideWidth(), w.paddingHeight(), w.paddingWidth(),
                            w.height(), w.width(), 1, 1, 0).build());
            own(out).array.assign(image.reshape('c', n, w.inputSize()));
            return;
        }
        int[] index = patchIndexes.computeIfAbsent(w, ImageKernels::patchIndex);
        if (cols.dtype() == DType.FLOAT32) {
            float[] image = host.floats(2, out.size());
            float[] in = floatsOf(cols, 1);
            split(out.rows(), cols.size(), (from, to) -> ImageKernels.scatterAdd(in, from, to, w.inputSize(), index,
                    image));
            putFloats(own(out), image);
        } else {
            double[] image = host.doubles(2, out.size());
            ImageKernels.scatterAdd(doublesOf(cols, 1), out.rows(), w.inputSize(), index, image);
            putDoubles(own(out), image);
        }
    }

    @Override
    public synchronized void transposeBlocks(Matrix a, int blocks, int rows, int cols, Matrix out) {
        Checks.transposeBlocks(a, blocks, rows, cols, out);
        if (hostOps == null) {
            own(out).array.reshape('c', blocks, cols, rows).assign(own(a).array.reshape('c', blocks, rows, cols)
                    .permute(0, 2, 1));
            return;
        }
        if (a.dtype() == DType.FLOAT32) {
            float[] values = host.floats(2, out.size());
            float[] in = floatsOf(a, 1);
            split(blocks, out.size(), (from, to) -> ImageKernels.transposeBlocks(in, from, to, rows, cols, values));
            putFloats(own(out), values);
        } else {
            double[] values = host.doubles(2, out.size());
            ImageKernels.transposeBlocks(doublesOf(a, 1), blocks, rows, cols, values);
            putDoubles(own(out), values);
        }
    }

    @Override
    public synchronized void conv2d(Matrix x, Window2d w, Matrix weight, Matrix bias, Matrix out) {
        if (hostOps == null) {
            byProducts.forward(x, w, weight, bias, out);
            return;
        }
        Checks.conv2d("conv2d", x, w, weight, bias, out);
        hostOps.convolution().forward(own(x), w, patchIndexes.computeIfAbsent(w, ImageKernels::patchIndex),
                own(weight), bias == null ? null : own(bias), own(out));
    }

    @Override
    public synchronized void conv2dBackward(Matrix grad, Matrix x, Window2d w, Matrix weight, Matrix weightGrad,
            Matrix biasGrad, Matrix inputGrad) {
        if (hostOps == null) {
            byProducts.backward(grad, x, w, weight, weightGrad, biasGrad, inputGrad);
            return;
        }
        Checks.conv2dBackward(grad, x, w, weight, weightGrad, biasGrad, inputGrad);
        hostOps.convolution().backward(own(grad), own(x), w, patchIndexes.computeIfAbsent(w, ImageKernels::patchIndex),
                own(weight), own(weightGrad), biasGrad == null ? null : own(biasGrad),
                inputGrad == null ? null : own(inputGrad));
    }

    @Override
    public synchronized void maxPool2d(Matrix x, Window2d w, Matrix out, Matrix argmax) {
        Checks.images("maxPool2d", x, w.inputSize(), out, x.rows(), w.pooledSize());
        Checks.sameShape("maxPool2d", out, argmax);
        if (hostOps == null) {
            // On the device: each channel's windows, the padding minus infinity, as [n, C, K, P]; the
            // maximum over K, and the flat index of the first maximum from the window's index table.
            // ND4J's max passes over NaN: a window holding one gives NaN and its last NaN's index, as
            // the host's loops do (and PyTorch's max_pool2d gives NaN).
            int n = x.rows();
            int c = w.channels();
            int k = w.kernelHeight() * w.kernelWidth();
            int p = w.outHeight() * w.outWidth();
            DataType type = dataType(x.dtype());
            INDArray windows = channelWindows(own(x).array, n, w, Double.NEGATIVE_INFINITY).reshape('c', n, c, k, p);
            INDArray maxima = own(out).array.reshape('c', n, c, p).assign(windows.max(2));
            INDArray positions = windowPositions(w, type).broadcast(n, c, k, p);
            INDArray table = poolIndexTable(w, type).broadcast(n, c, k, p);
            INDArray first = Nd4j.argMax(windows, 2).castTo(type).reshape('c', n, c, 1, p).broadcast(n, c, k, p);
            INDArray where = own(argmax).array.reshape('c', n, c, p)
                    .assign(first.eq(positions).castTo(type).muli(table).sum(2));
            // The last NaN's position plus one (0 where none), from the NaN mask times the positions.
            INDArray lastNaN = windows.isNaN().castTo(type).muli(positions.add(1)).max(2);
            INDArray hasNaN = lastNaN.gt(0);
            if (hasNaN.any()) {
                INDArray atNaN = lastNaN.sub(1).reshape('c', n, c, 1, p).broadcast(n, c, k, p).eq(positions)
                        .castTo(type).muli(table).sum(2);
                maxima.assign(select(hasNaN, Nd4j.valueArrayOf(maxima.shape(), Double.NaN, type), maxima));
                // Indices are finite: blended by the mask as numbers.
                INDArray h = hasNaN.castTo(type);
                where.muli(h.rsub(1)).addi(atNaN.muli(h));
            }
            return;
        }
        hostOps.pooling().run(HostPooling.Op.MAX, w, poolIndexes.computeIfAbsent(w, ImageKernels::poolIndex), own(x),
                null, own(out), own(argmax));
    }

    @Override
    public synchronized void maxPool2dBackward(Matrix grad, Matrix argmax, Window2d w, Matrix out) {
        Checks.images("maxPool2dBackward", out, w.inputSize(), grad, out.rows(), w.pooledSize());
        Checks.sameShape("maxPool2dBackward", grad, argmax);
        if (hostOps == null) {
            // On the device: each gradient at its maximum's place in the window ([n, C, K, P]), summed
            // into the images by col2im, one channel at a time.
            int n = out.rows();
            int c = w.channels();
            int k = w.kernelHeight() * w.kernelWidth();
            int p = w.outHeight() * w.outWidth();
            DataType type = dataType(out.dtype());
            INDArray where = own(argmax).array.reshape('c', n, c, 1, p).broadcast(n, c, k, p);
            INDArray placed = poolIndexTable(w, type).broadcast(n, c, k, p).eq(where).castTo(type)
                    .muli(own(grad).array.reshape('c', n, c, 1, p).broadcast(n, c, k, p));
            channelImages(placed.reshape('c', n * c, 1, w.kernelHeight(), w.kernelWidth(), w.outHeight(),
                    w.outWidth()), w, own(out).array);
            return;
        }
        hostOps.pooling().run(HostPooling.Op.MAX_BACKWARD, w, poolIndexes.computeIfAbsent(w,
                ImageKernels::poolIndex), own(grad), own(argmax), own(out), null);
    }

    @Override
    public synchronized void avgPool2d(Matrix x, Window2d w, Matrix out) {
        Checks.images("avgPool2d", x, w.inputSize(), out, x.rows(), w.pooledSize());
        if (hostOps == null) {
            // On the device: the mean over each window, the padding zeros, as PyTorch's count_include_pad.
            int n = x.rows();
            int k = w.kernelHeight() * w.kernelWidth();
            int p = w.outHeight() * w.outWidth();
            own(out).array.reshape('c', n, w.channels(), p).assign(channelWindows(own(x).array, n, w, 0)
                    .reshape('c', n, w.channels(), k, p).mean(2));
            return;
        }
        hostOps.pooling().run(HostPooling.Op.AVG, w, poolIndexes.computeIfAbsent(w, ImageKernels::poolIndex), own(x),
                null, own(out), null);
    }

    @Override
    public synchronized void avgPool2dBackward(Matrix grad, Window2d w, Matrix out) {
        Checks.images("avgPool2dBackward", out, w.inputSize(), grad, out.rows(), w.pooledSize());
        if (hostOps == null) {
            // On the device: each gradient shared by its window's elements, summed into the images.
            int n = out.rows();
            int c = w.channels();
            int k = w.kernelHeight() * w.kernelWidth();
            int p = w.outHeight() * w.outWidth();
            INDArray shared = own(grad).array.reshape('c', n, c, 1, p).broadcast(n, c, k, p).div(k);
            channelImages(shared.reshape('c', n * c, 1, w.kernelHeight(), w.kernelWidth(), w.outHeight(),
                    w.outWidth()), w, own(out).array);
            return;
        }
        hostOps.pooling().run(HostPooling.Op.AVG_BACKWARD, w, poolIndexes.computeIfAbsent(w,
                ImageKernels::poolIndex), own(grad), null, own(out), null);
    }

    /** Runs {@code range} over {@code n} examples, split across the threads when they touch many values. */
    private void split(int n, long values, WorkerPool.Range range) {
        if (hostOps == null || values < SPLIT_IMAGE_VALUES) {
            range.run(0, n);
        } else {
            hostOps.pool().split(n, range);
        }
    }

    /** A float32 matrix's values in host array {@code slot} (1 to 3; 0 is the transfers'). */
    private float[] floatsOf(Matrix m, int slot) {
        float[] values = host.floats(slot, m.size());
        getFloats(own(m), values);
        return values;
    }

    /** A float64 matrix's values in host array {@code slot}. */
    private double[] doublesOf(Matrix m, int slot) {
        double[] values = host.doubles(slot, m.size());
        getDoubles(own(m), values);
        return values;
    }

    // ---- helpers ----

    /** Writes the first {@code m.size()} of {@code values} into {@code m}, rounded to its dtype. */
    private void put(double[] values, Nd4jMatrix m) {
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
    private void get(Nd4jMatrix m, double[] values) {
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

    // The four transfers: one bulk copy of host memory on nd4j-native; elsewhere (nd4j-cuda, whose
    // arrays live on the device) ND4J's own calls, which move the data between host and device.

    private void putFloats(Nd4jMatrix m, float[] values) {
        if (hostOps != null) {
            m.floats().put(0, values, 0, m.size());
        } else {
            m.array.data().setData(values.length == m.size() ? values : Arrays.copyOf(values, m.size()));
        }
    }

    private void putDoubles(Nd4jMatrix m, double[] values) {
        if (hostOps != null) {
            m.doubles().put(0, values, 0, m.size());
        } else {
            m.array.data().setData(values.length == m.size() ? values : Arrays.copyOf(values, m.size()));
        }
    }

    private void getFloats(Nd4jMatrix m, float[] values) {
        if (hostOps != null) {
            m.floats().get(0, values, 0, m.size());
        } else {
            System.arraycopy(m.array.data().asFloat(), 0, values, 0, m.size());
        }
    }

    private void getDoubles(Nd4jMatrix m, double[] values) {
        if (hostOps != null) {
            m.doubles().get(0, values, 0, m.size());
        } else {
            System.arraycopy(m.array.data().asDouble(), 0, values, 0, m.size());
        }
    }

    /**
     * The windows of every channel of {@code images} ({@code n x C·H·W}), each channel on its own and
     * the padding {@code pad}: ND4J's im2col as {@code [n·C, 1, kh, kw, oh, ow]}.
     */
    private INDArray channelWindows(INDArray images, int n, Window2d w, double pad) {
        INDArray single = images.reshape('c', (long) n * w.channels(), 1, w.height(), w.width());
        INDArray cols = scratch(images.dataType(), (long) n * w.channels(), 1, w.kernelHeight(), w.kernelWidth(),
                w.outHeight(), w.outWidth());
        Nd4j.exec(DynamicCustomOp.builder("im2col").addInputs(single).addOutputs(cols)
                .addIntegerArguments(w.kernelHeight(), w.kernelWidth(), w.strideHeight(), w.strideWidth(),
                        w.paddingHeight(), w.paddingWidth(), 1, 1, 0)
                .addFloatingPointArguments(pad).build());
        return cols;
    }

    /** The sums of {@code cols} ({@code [n·C, 1, kh, kw, oh, ow]}) into {@code out}'s images, channel by channel. */
    private void channelImages(INDArray cols, Window2d w, INDArray out) {
        long images = cols.size(0);
        INDArray image = scratch(out.dataType(), images, 1, w.height(), w.width());
        Nd4j.exec(DynamicCustomOp.builder("col2im").addInputs(cols.dup('c')).addOutputs(image)
                .addIntegerArguments(w.strideHeight(), w.strideWidth(), w.paddingHeight(), w.paddingWidth(),
                        w.height(), w.width(), 1, 1, 0).build());
        out.assign(image.reshape('c', out.rows(), out.columns()));
    }

    /**
     * {@code ifTrue} where {@code condition} holds, else {@code ifFalse}. ND4J 1.0.0-M2.1's three-array
     * {@code Nd4j.where(c, x, y)} gives y where c holds (measured), the reverse of NumPy's, and
     * {@code putWhereWithMask} puts nothing: hence this one place that says which is which.
     */
    private static INDArray select(INDArray condition, INDArray ifTrue, INDArray ifFalse) {
        return Nd4j.where(condition, ifFalse, ifTrue)[0];
    }

    /** {@code [1, 1, K, 1]}: the positions 0 .. K - 1 of a window's elements. */
    private INDArray windowPositions(Window2d w, DataType type) {
        int k = w.kernelHeight() * w.kernelWidth();
        return scratch.computeIfAbsent("positions " + type + " " + k,
                key -> Nd4j.arange(k).castTo(type).reshape('c', 1, 1, k, 1));
    }

    /**
     * {@code [1, C, K, P]}: for each channel, window element and window, that element's index in an
     * example's row, or -1 in the padding (the host's pool index table, kept on the device).
     */
    private INDArray poolIndexTable(Window2d w, DataType type) {
        return scratch.computeIfAbsent("pool index " + type + " " + w, key -> {
            int[] index = poolIndexes.computeIfAbsent(w, ImageKernels::poolIndex);
            int c = w.channels();
            int k = w.kernelHeight() * w.kernelWidth();
            int p = w.outHeight() * w.outWidth();
            // The host table runs over (channel, window, element); this one over (channel, element, window).
            double[] table = new double[c * k * p];
            for (int ch = 0; ch < c; ch++) {
                for (int q = 0; q < p; q++) {
                    for (int e = 0; e < k; e++) {
                        table[(ch * k + e) * p + q] = index[(ch * p + q) * k + e];
                    }
                }
            }
            return Nd4j.create(table, new long[] {1, c, k, p}, DataType.DOUBLE).castTo(type);
        });
    }

    /** A work array of {@code type} and {@code shape}, made on first use and kept for the next. */
    private INDArray scratch(DataType type, long... shape) {
        String key = type + " " + Arrays.toString(shape);
        return scratch.computeIfAbsent(key, k -> Nd4j.create(type, shape));
    }

    /** A work matrix of {@code like}'s shape and type, made on first use and kept for the next. */
    private INDArray scratch(Nd4jMatrix like) {
        String key = like.dtype() + " " + like.shape();
        return scratch.computeIfAbsent(key, k -> Nd4j.create(dataType(like.dtype()), like.rows(), like.cols()));
    }

    private static DataType dataType(DType dtype) {
        return dtype == DType.FLOAT64 ? DataType.DOUBLE : DataType.FLOAT;
    }

    /** A row or column matrix as the rank-1 view ND4J's broadcasts and reductions expect. */
    private static INDArray vector(Matrix m) {
        return own(m).array.reshape(m.size());
    }

    private static Nd4jMatrix own(Matrix m) {
        if (m instanceof Nd4jMatrix) {
            return (Nd4jMatrix) m;
        }
        throw new IllegalArgumentException("an ND4J backend cannot use a matrix of another backend: " + m);
    }

    private static UnsupportedOperationException unsupported(ActivationKind kind) {
        return new UnsupportedOperationException("the ND4J backends have no activation " + kind);
    }
}
