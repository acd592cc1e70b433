package org.nn4j.backend.nd4j;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.SigmoidDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.TanhDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Checks;
import org.nn4j.api.Matrix;
import org.nn4j.api.Operation;
import org.nn4j.api.Window2d;
import org.nn4j.backend.host.ConvolutionByProducts;
import org.nn4j.backend.host.ImageIndex;
import org.nn4j.backend.host.TokenKernels64;

/**
 * The Backend SPI on ND4J's ops, for an ND4J backend whose arrays live off the host ({@code nd4j-cuda}):
 * every operation is an ND4J op, run where the arrays are and writing into the caller's output, but for
 * the fused softmax cross-entropy and the reductions {@link Nd4jBackend} runs on the host ({@link
 * #nativeOperations()}). Convolutions are im2col and one product per batch ({@link ConvolutionByProducts});
 * pooling works on each channel's windows, with the index tables kept on the device. The same code runs on
 * nd4j-native in the "native ops only" conformance kit, which is how it is tested without a GPU.
 */
public final class Nd4jDeviceBackend extends Nd4jBackend {
    /** The index tables of the windows this backend has seen, for pooling. */
    private final Map<Window2d, int[]> poolIndexes = new HashMap<>();
    /** Convolutions: im2col and one product per batch, on ND4J's ops. */
    private final ConvolutionByProducts byProducts = new ConvolutionByProducts(this);

    /**
     * Loads ND4J and gives its BLAS {@code threads} threads, its own kernels half as many (at least one).
     *
     * @param name the provider name this backend is reported under
     */
    public Nd4jDeviceBackend(String name, int threads) {
        super(name, threads, threads);
    }

    @Override
    public Set<Operation> nativeOperations() {
        return Nd4jOperations.DEVICE;
    }

    @Override
    void product(boolean transposeA, boolean transposeB, double alpha, Nd4jMatrix a, Nd4jMatrix b, double beta,
            Nd4jMatrix c) {
        // With beta 0 ND4J's matmul does not read C (the kit checks this with a C full of NaN).
        Nd4j.gemm(a.array, b.array, c.array, transposeA, transposeB, alpha, beta);
    }

    // ---- element-wise ----

    @Override
    public synchronized void addRowVector(Matrix a, Matrix row, Matrix out) {
        Checks.addRowVector(a, row, out);
        Nd4j.getExecutioner().exec(new BroadcastAddOp(own(a).array, vector(row), own(out).array, 1));
    }

    @Override
    public synchronized void columnSums(Matrix a, Matrix out) {
        Checks.columnSums(a, out);
        Nd4j.getExecutioner().exec(new Sum(own(a).array, vector(out), 0));
    }

    @Override
    public synchronized void axpby(double alpha, Matrix a, double beta, Matrix b, Matrix out) {
        Checks.sameShape("axpby", a, b, out);
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
    public synchronized void multiply(Matrix a, Matrix b, Matrix out) {
        Checks.sameShape("multiply", a, b, out);
        own(a).array.mul(own(b).array, own(out).array);
    }

    @Override
    public synchronized void activation(ActivationKind kind, Matrix x, Matrix out) {
        Checks.activation(kind, x, out);
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
        super.biasActivation(kind, z, bias, out);
    }

    @Override
    public synchronized void leakyRelu(double negativeSlope, Matrix x, Matrix out) {
        Checks.sameShape("leakyRelu", x, out);
        super.leakyRelu(negativeSlope, x, out);
    }

    @Override
    public synchronized void leakyReluBackward(double negativeSlope, Matrix x, Matrix grad, Matrix out) {
        Checks.sameShape("leakyReluBackward", x, grad, out);
        super.leakyReluBackward(negativeSlope, x, grad, out);
    }

    @Override
    public synchronized void multiplyRowVector(Matrix a, Matrix row, Matrix out) {
        Checks.multiplyRowVector(a, row, out);
        super.multiplyRowVector(a, row, out);
    }

    @Override
    public synchronized void activationBackward(ActivationKind kind, Matrix x, Matrix y, Matrix grad, Matrix out) {
        Checks.activationBackward(kind, x, y, grad, out);
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

    // ---- images, on ND4J's ops ----

    // ---- sequences: a round trip through the host (ids are host ints; the gather is a copy per row) ----

    @Override
    public synchronized void gatherRows(Matrix table, int[] ids, Matrix out) {
        Checks.rowsById("gatherRows", table, ids, out);
        Nd4jMatrix t = own(table);
        Nd4jMatrix o = own(out);
        double[] tableValues = host.doubles(1, t.size());
        double[] outValues = host.doubles(2, o.size());
        get(t, tableValues);
        TokenKernels64.gatherRows(tableValues, t.rows(), t.cols(), ids, o.rows(), outValues);
        put(outValues, o);
    }

    @Override
    public synchronized void scatterAddRows(Matrix rows, int[] ids, int skip, Matrix tableGrad) {
        Checks.rowsById("scatterAddRows", tableGrad, ids, rows);
        Nd4jMatrix r = own(rows);
        Nd4jMatrix g = own(tableGrad);
        double[] rowValues = host.doubles(1, r.size());
        double[] gradValues = host.doubles(2, g.size());
        get(r, rowValues);
        get(g, gradValues);
        TokenKernels64.scatterAddRows(rowValues, r.cols(), ids, r.rows(), skip, gradValues, g.rows());
        put(gradValues, g);
    }

    @Override
    public synchronized void im2col(Matrix x, Window2d w, Matrix out) {
        Checks.images("im2col", x, w.inputSize(), out, x.rows() * w.positions(), w.patchSize());
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
    }

    @Override
    public synchronized void col2im(Matrix cols, Window2d w, Matrix out) {
        Checks.images("col2im", out, w.inputSize(), cols, out.rows() * w.positions(), w.patchSize());
        // On the device: back to ND4J's [n, C, kh, kw, oh, ow], which its col2im sums into images.
        int n = out.rows();
        INDArray patches = own(cols).array.reshape('c', n, w.outHeight(), w.outWidth(), w.channels(),
                w.kernelHeight(), w.kernelWidth()).permute(0, 3, 4, 5, 1, 2).dup('c');
        INDArray image = scratch(dataType(out.dtype()), n, w.channels(), w.height(), w.width());
        Nd4j.exec(DynamicCustomOp.builder("col2im").addInputs(patches).addOutputs(image)
                .addIntegerArguments(w.strideHeight(), w.strideWidth(), w.paddingHeight(), w.paddingWidth(),
                        w.height(), w.width(), 1, 1, 0).build());
        own(out).array.assign(image.reshape('c', n, w.inputSize()));
    }

    @Override
    public synchronized void transposeBlocks(Matrix a, int blocks, int rows, int cols, Matrix out) {
        Checks.transposeBlocks(a, blocks, rows, cols, out);
        own(out).array.reshape('c', blocks, cols, rows).assign(own(a).array.reshape('c', blocks, rows, cols)
                .permute(0, 2, 1));
    }

    @Override
    public synchronized void conv2d(Matrix x, Window2d w, Matrix weight, Matrix bias, Matrix out) {
        byProducts.forward(x, w, weight, bias, out);
    }

    @Override
    public synchronized void conv2dBackward(Matrix grad, Matrix x, Window2d w, Matrix weight, Matrix weightGrad,
            Matrix biasGrad, Matrix inputGrad) {
        byProducts.backward(grad, x, w, weight, weightGrad, biasGrad, inputGrad);
    }

    @Override
    public synchronized void maxPool2d(Matrix x, Window2d w, Matrix out, Matrix argmax) {
        Checks.images("maxPool2d", x, w.inputSize(), out, x.rows(), w.pooledSize());
        Checks.sameShape("maxPool2d", out, argmax);
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
    }

    @Override
    public synchronized void maxPool2dBackward(Matrix grad, Matrix argmax, Window2d w, Matrix out) {
        Checks.images("maxPool2dBackward", out, w.inputSize(), grad, out.rows(), w.pooledSize());
        Checks.sameShape("maxPool2dBackward", grad, argmax);
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
    }

    @Override
    public synchronized void avgPool2d(Matrix x, Window2d w, Matrix out) {
        Checks.images("avgPool2d", x, w.inputSize(), out, x.rows(), w.pooledSize());
        // On the device: the mean over each window, the padding zeros, as PyTorch's count_include_pad.
        int n = x.rows();
        int k = w.kernelHeight() * w.kernelWidth();
        int p = w.outHeight() * w.outWidth();
        own(out).array.reshape('c', n, w.channels(), p).assign(channelWindows(own(x).array, n, w, 0)
                .reshape('c', n, w.channels(), k, p).mean(2));
    }

    @Override
    public synchronized void avgPool2dBackward(Matrix grad, Window2d w, Matrix out) {
        Checks.images("avgPool2dBackward", out, w.inputSize(), grad, out.rows(), w.pooledSize());
        // On the device: each gradient shared by its window's elements, summed into the images.
        int n = out.rows();
        int c = w.channels();
        int k = w.kernelHeight() * w.kernelWidth();
        int p = w.outHeight() * w.outWidth();
        INDArray shared = own(grad).array.reshape('c', n, c, 1, p).broadcast(n, c, k, p).div(k);
        channelImages(shared.reshape('c', n * c, 1, w.kernelHeight(), w.kernelWidth(), w.outHeight(),
                w.outWidth()), w, own(out).array);
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
            int[] index = poolIndexes.computeIfAbsent(w, ImageIndex::poolIndex);
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

    // The transfers: ND4J's own calls, which move the data between host and device.

    @Override
    void putFloats(Nd4jMatrix m, float[] values) {
        m.array.data().setData(values.length == m.size() ? values : Arrays.copyOf(values, m.size()));
    }

    @Override
    void putDoubles(Nd4jMatrix m, double[] values) {
        m.array.data().setData(values.length == m.size() ? values : Arrays.copyOf(values, m.size()));
    }

    @Override
    void getFloats(Nd4jMatrix m, float[] values) {
        System.arraycopy(m.array.data().asFloat(), 0, values, 0, m.size());
    }

    @Override
    void getDoubles(Nd4jMatrix m, double[] values) {
        System.arraycopy(m.array.data().asDouble(), 0, values, 0, m.size());
    }

    @Override
    void widen(float[] values, Nd4jMatrix out) {
        double[] converted = host.doubles(0, values.length);
        for (int i = 0; i < values.length; i++) {
            converted[i] = values[i];
        }
        putDoubles(out, converted);
    }
}
