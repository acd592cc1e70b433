package org.nn4j.backend.nd4j;

import org.nn4j.api.DType;
import org.nn4j.api.Window2d;
import org.nn4j.backend.host.WorkerPool;

/**
 * {@code conv2d} and its gradients on nd4j-native's host memory, one example at a time: the example's
 * patches are gathered into a buffer small enough for the core's cache, and one OpenBLAS product per
 * example writes its {@code [out_channels, P]} block straight into the output's (channel, position)
 * order. Against im2col and one product per batch this never writes the batch's patches to memory
 * (18 MB for the second convolution of the Fashion-MNIST CNN at batch 128) nor transposes the output,
 * which moved twice the output through memory each way. The backward pass gathers the patches again
 * rather than keeping them. Examples split across the pool's threads, each with its own work buffers
 * and its own weight-gradient sum, added together at the end. Not thread-safe, like the backend.
 */
final class HostConvolution implements WorkerPool.Task {
    /** Convolutions of fewer multiply-adds than this run on the calling thread. */
    private static final long SPLIT_MULTIPLY_ADDS = 1L << 20;

    private final WorkerPool pool;
    /** Each part's buffers and products, by dtype ({@link DType#ordinal()}) and part. */
    private final ConvolutionPart[][] parts;

    // The call's arguments, set before its parts run.
    boolean backward;
    Window2d w;
    int[] index;
    int outChannels;
    Nd4jMatrix x;
    Nd4jMatrix weight;
    Nd4jMatrix bias;
    Nd4jMatrix out;
    Nd4jMatrix weightGrad;
    Nd4jMatrix biasGrad;
    Nd4jMatrix inputGrad;

    HostConvolution(WorkerPool pool) {
        this.pool = pool;
        this.parts = new ConvolutionPart[DType.values().length][pool.parts()];
        for (int i = 0; i < pool.parts(); i++) {
            parts[DType.FLOAT32.ordinal()][i] = new ConvolutionPart32();
            parts[DType.FLOAT64.ordinal()][i] = new ConvolutionPart64();
        }
    }

    /** {@code out = conv2d(x)}; {@code bias} may be null; {@code index} is {@code w}'s patch index table. */
    void forward(Nd4jMatrix x, Window2d w, int[] index, Nd4jMatrix weight, Nd4jMatrix bias, Nd4jMatrix out) {
        set(false, w, index, x, weight);
        this.bias = bias;
        this.out = out;
        runParts();
    }

    /** The gradients for output gradient {@code grad}; {@code biasGrad} and {@code inputGrad} may be null. */
    void backward(Nd4jMatrix grad, Nd4jMatrix x, Window2d w, int[] index, Nd4jMatrix weight, Nd4jMatrix weightGrad,
            Nd4jMatrix biasGrad, Nd4jMatrix inputGrad) {
        set(true, w, index, x, weight);
        this.out = grad;
        this.weightGrad = weightGrad;
        this.biasGrad = biasGrad;
        this.inputGrad = inputGrad;
        int used = runParts();
        // Part 0 wrote the sums into the gradients; the others' sums are added to them.
        for (int part = 1; part < used; part++) {
            parts[x.dtype().ordinal()][part].addSums(this);
        }
    }

    private void set(boolean backward, Window2d w, int[] index, Nd4jMatrix x, Nd4jMatrix weight) {
        this.backward = backward;
        this.w = w;
        this.index = index;
        this.x = x;
        this.weight = weight;
        this.outChannels = weight.rows();
        this.bias = null;
        this.weightGrad = null;
        this.biasGrad = null;
        this.inputGrad = null;
    }

    /** Runs the parts, on the pool when the work is large and each part gets an example; returns how many ran. */
    private int runParts() {
        int n = x.rows();
        long multiplyAdds = (long) n * outChannels * w.positions() * w.patchSize();
        int used = multiplyAdds >= SPLIT_MULTIPLY_ADDS && n >= pool.parts() ? pool.parts() : 1;
        // Buffers and pointers are made here, on one thread; the parts only move their own pointers.
        for (int part = 0; part < used; part++) {
            parts[x.dtype().ordinal()][part].fit(w, outChannels);
            Nd4jMatrix.prepare(weight, 3 * part);
            Nd4jMatrix.prepare(bias, 3 * part);
            Nd4jMatrix.prepare(out, 3 * part);
            Nd4jMatrix.prepare(weightGrad, 3 * part);
            Nd4jMatrix.prepare(biasGrad, 3 * part);
        }
        Nd4jMatrix.prepare(x, 0);
        Nd4jMatrix.prepare(inputGrad, 0);
        if (used > 1) {
            pool.run(this);
        } else {
            run(0, 1);
        }
        return used;
    }

    @Override
    public void run(int part, int parts) {
        int n = x.rows();
        this.parts[x.dtype().ordinal()][part].run(this, part, WorkerPool.from(part, parts, n),
                WorkerPool.from(part + 1, parts, n));
    }
}
