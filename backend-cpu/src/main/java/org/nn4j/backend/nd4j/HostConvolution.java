package org.nn4j.backend.nd4j;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;

import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.nn4j.api.DType;
import org.nn4j.api.Window2d;
import org.nn4j.backend.host.ImageKernels32;
import org.nn4j.backend.host.ImageKernels64;
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
    private final Part[] parts;

    // The call's arguments, set before its parts run.
    private boolean backward;
    private Window2d w;
    private int[] index;
    private int outChannels;
    private Nd4jMatrix x;
    private Nd4jMatrix weight;
    private Nd4jMatrix bias;
    private Nd4jMatrix out;
    private Nd4jMatrix weightGrad;
    private Nd4jMatrix biasGrad;
    private Nd4jMatrix inputGrad;

    HostConvolution(WorkerPool pool) {
        this.pool = pool;
        this.parts = new Part[pool.parts()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = new Part();
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
        boolean doubles = x.dtype() == DType.FLOAT64;
        int weights = weightGrad.size();
        for (int part = 1; part < used; part++) {
            Part p = parts[part];
            if (doubles) {
                openblas.cblas_daxpy(weights, 1, p.weightSum64.position(0), 1, weightGrad.doubleView(0).position(0), 1);
                if (biasGrad != null) {
                    openblas.cblas_daxpy(outChannels, 1, p.biasSum64.position(0), 1,
                            biasGrad.doubleView(0).position(0), 1);
                }
            } else {
                openblas.cblas_saxpy(weights, 1, p.weightSum32.position(0), 1, weightGrad.floatView(0).position(0), 1);
                if (biasGrad != null) {
                    openblas.cblas_saxpy(outChannels, 1, p.biasSum32.position(0), 1,
                            biasGrad.floatView(0).position(0), 1);
                }
            }
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
        boolean doubles = x.dtype() == DType.FLOAT64;
        for (int part = 0; part < used; part++) {
            parts[part].fit(doubles, w, outChannels);
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
        int from = WorkerPool.from(part, parts, n);
        int to = WorkerPool.from(part + 1, parts, n);
        if (x.dtype() == DType.FLOAT64) {
            run64(this.parts[part], part, from, to);
        } else {
            run32(this.parts[part], part, from, to);
        }
    }

    private void run32(Part p, int part, int from, int to) {
        int positions = w.positions();
        int patch = w.patchSize();
        int in = w.inputSize();
        int block = outChannels * positions;
        int view = 3 * part;
        FloatPointer kernel = weight.floatView(view).position(0);
        FloatPointer blocks = out.floatView(view);
        FloatPointer weightSum = part == 0 && weightGrad != null ? weightGrad.floatView(view).position(0)
                : p.weightSum32.position(0);
        FloatPointer biasSum = part == 0 && biasGrad != null ? biasGrad.floatView(view).position(0)
                : p.biasSum32.position(0);
        for (int e = from; e < to; e++) {
            x.floats().get(e * in, p.image32, 0, in);
            ImageKernels32.gather(p.image32, 0, 1, in, index, p.cols32);
            p.patches32.position(0).put(p.cols32, 0, positions * patch);
            blocks.position((long) e * block);
            if (!backward) {
                // out_e [C_out x P] = W [C_out x patch] * patches_e^T, then + bias[o] along each row.
                openblas.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, outChannels, positions, patch, 1,
                        kernel, patch, p.patches32, patch, 0, blocks, positions);
                if (bias != null) {
                    openblas.cblas_sger(CblasRowMajor, outChannels, positions, 1, bias.floatView(view).position(0), 1,
                            p.ones32.position(0), 1, blocks, positions);
                }
                continue;
            }
            float beta = e == from ? 0 : 1;
            openblas.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, outChannels, patch, positions, 1, blocks,
                    positions, p.patches32, patch, beta, weightSum, patch);
            if (biasGrad != null) {
                openblas.cblas_sgemv(CblasRowMajor, CblasNoTrans, outChannels, positions, 1, blocks, positions,
                        p.ones32.position(0), 1, beta, biasSum, 1);
            }
            if (inputGrad != null) {
                // The patches' gradients [P x patch] = grad_e^T * W, summed back into the image.
                openblas.cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, positions, patch, outChannels, 1, blocks,
                        positions, kernel, patch, 0, p.patches32.position(0), patch);
                p.patches32.get(p.cols32, 0, positions * patch);
                ImageKernels32.scatterAdd(p.cols32, 0, 1, in, index, p.image32);
                inputGrad.floats().put(e * in, p.image32, 0, in);
            }
        }
    }

    private void run64(Part p, int part, int from, int to) {
        int positions = w.positions();
        int patch = w.patchSize();
        int in = w.inputSize();
        int block = outChannels * positions;
        int view = 3 * part;
        DoublePointer kernel = weight.doubleView(view).position(0);
        DoublePointer blocks = out.doubleView(view);
        DoublePointer weightSum = part == 0 && weightGrad != null ? weightGrad.doubleView(view).position(0)
                : p.weightSum64.position(0);
        DoublePointer biasSum = part == 0 && biasGrad != null ? biasGrad.doubleView(view).position(0)
                : p.biasSum64.position(0);
        for (int e = from; e < to; e++) {
            x.doubles().get(e * in, p.image64, 0, in);
            ImageKernels64.gather(p.image64, 0, 1, in, index, p.cols64);
            p.patches64.position(0).put(p.cols64, 0, positions * patch);
            blocks.position((long) e * block);
            if (!backward) {
                openblas.cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, outChannels, positions, patch, 1,
                        kernel, patch, p.patches64, patch, 0, blocks, positions);
                if (bias != null) {
                    openblas.cblas_dger(CblasRowMajor, outChannels, positions, 1, bias.doubleView(view).position(0), 1,
                            p.ones64.position(0), 1, blocks, positions);
                }
                continue;
            }
            double beta = e == from ? 0 : 1;
            openblas.cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, outChannels, patch, positions, 1, blocks,
                    positions, p.patches64, patch, beta, weightSum, patch);
            if (biasGrad != null) {
                openblas.cblas_dgemv(CblasRowMajor, CblasNoTrans, outChannels, positions, 1, blocks, positions,
                        p.ones64.position(0), 1, beta, biasSum, 1);
            }
            if (inputGrad != null) {
                openblas.cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, positions, patch, outChannels, 1, blocks,
                        positions, kernel, patch, 0, p.patches64.position(0), patch);
                p.patches64.get(p.cols64, 0, positions * patch);
                ImageKernels64.scatterAdd(p.cols64, 0, 1, in, index, p.image64);
                inputGrad.doubles().put(e * in, p.image64, 0, in);
            }
        }
    }

    /** One part's work buffers, made on first use, grown to the largest convolution seen and kept. */
    private static final class Part {
        float[] image32 = new float[0];
        float[] cols32 = new float[0];
        FloatPointer patches32;
        FloatPointer ones32;
        FloatPointer weightSum32;
        FloatPointer biasSum32;
        double[] image64 = new double[0];
        double[] cols64 = new double[0];
        DoublePointer patches64;
        DoublePointer ones64;
        DoublePointer weightSum64;
        DoublePointer biasSum64;

        void fit(boolean doubles, Window2d w, int outChannels) {
            int positions = w.positions();
            int cols = positions * w.patchSize();
            int weights = outChannels * w.patchSize();
            if (doubles) {
                if (image64.length < w.inputSize()) {
                    image64 = new double[w.inputSize()];
                }
                if (patches64 == null || cols64.length < cols) {
                    cols64 = new double[cols];
                    patches64 = new DoublePointer((long) cols);
                }
                if (ones64 == null || ones64.capacity() < positions) {
                    double[] ones = new double[positions];
                    Arrays.fill(ones, 1);
                    ones64 = new DoublePointer(ones);
                }
                if (weightSum64 == null || weightSum64.capacity() < weights) {
                    weightSum64 = new DoublePointer((long) weights);
                }
                if (biasSum64 == null || biasSum64.capacity() < outChannels) {
                    biasSum64 = new DoublePointer((long) outChannels);
                }
            } else {
                if (image32.length < w.inputSize()) {
                    image32 = new float[w.inputSize()];
                }
                if (patches32 == null || cols32.length < cols) {
                    cols32 = new float[cols];
                    patches32 = new FloatPointer((long) cols);
                }
                if (ones32 == null || ones32.capacity() < positions) {
                    float[] ones = new float[positions];
                    Arrays.fill(ones, 1);
                    ones32 = new FloatPointer(ones);
                }
                if (weightSum32 == null || weightSum32.capacity() < weights) {
                    weightSum32 = new FloatPointer((long) weights);
                }
                if (biasSum32 == null || biasSum32.capacity() < outChannels) {
                    biasSum32 = new FloatPointer((long) outChannels);
                }
            }
        }
    }
}
