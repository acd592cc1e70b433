package org.nn4j.backend.nd4j;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;

import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;
import org.nn4j.api.Window2d;
import org.nn4j.backend.host.ImageKernels64;

/**
 * {@link ConvolutionPart} on float64 matrices; {@code ConvolutionPart32} is generated from this source at
 * build time.
 */
final class ConvolutionPart64 extends ConvolutionPart {
    private double[] image = new double[0];
    private double[] cols = new double[0];
    private DoublePointer patches;
    private DoublePointer ones;
    private DoublePointer weightSum;
    private DoublePointer biasSum;

    @Override
    void fit(Window2d w, int outChannels) {
        int positions = w.positions();
        int size = positions * w.patchSize();
        int weights = outChannels * w.patchSize();
        if (image.length < w.inputSize()) {
            image = new double[w.inputSize()];
        }
        if (patches == null || cols.length < size) {
            cols = new double[size];
            patches = new DoublePointer((long) size);
        }
        if (ones == null || ones.capacity() < positions) {
            double[] values = new double[positions];
            Arrays.fill(values, 1);
            ones = new DoublePointer(values);
        }
        if (weightSum == null || weightSum.capacity() < weights) {
            weightSum = new DoublePointer((long) weights);
        }
        if (biasSum == null || biasSum.capacity() < outChannels) {
            biasSum = new DoublePointer((long) outChannels);
        }
    }

    @Override
    void run(HostConvolution call, int part, int from, int to) {
        Window2d w = call.w;
        int outChannels = call.outChannels;
        int positions = w.positions();
        int patch = w.patchSize();
        int in = w.inputSize();
        int block = outChannels * positions;
        int view = 3 * part;
        DoublePointer kernel = call.weight.doubleView(view).position(0);
        DoublePointer blocks = call.out.doubleView(view);
        DoublePointer weights = part == 0 && call.weightGrad != null ? call.weightGrad.doubleView(view).position(0)
                : weightSum.position(0);
        DoublePointer biases = part == 0 && call.biasGrad != null ? call.biasGrad.doubleView(view).position(0)
                : biasSum.position(0);
        for (int e = from; e < to; e++) {
            call.x.doubles().get(e * in, image, 0, in);
            ImageKernels64.gather(image, 0, 1, in, call.index, cols);
            patches.position(0).put(cols, 0, positions * patch);
            blocks.position((long) e * block);
            if (!call.backward) {
                // out_e [C_out x P] = W [C_out x patch] * patches_e^T, then + bias[o] along each row.
                openblas.cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, outChannels, positions, patch, 1,
                        kernel, patch, patches, patch, 0, blocks, positions);
                if (call.bias != null) {
                    openblas.cblas_dger(CblasRowMajor, outChannels, positions, 1, call.bias.doubleView(view).position(0),
                            1, ones.position(0), 1, blocks, positions);
                }
                continue;
            }
            double beta = e == from ? 0 : 1;
            openblas.cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, outChannels, patch, positions, 1, blocks,
                    positions, patches, patch, beta, weights, patch);
            if (call.biasGrad != null) {
                openblas.cblas_dgemv(CblasRowMajor, CblasNoTrans, outChannels, positions, 1, blocks, positions,
                        ones.position(0), 1, beta, biases, 1);
            }
            if (call.inputGrad != null) {
                // The patches' gradients [P x patch] = grad_e^T * W, summed back into the image.
                openblas.cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, positions, patch, outChannels, 1, blocks,
                        positions, kernel, patch, 0, patches.position(0), patch);
                patches.get(cols, 0, positions * patch);
                ImageKernels64.scatterAdd(cols, 0, 1, in, call.index, image);
                call.inputGrad.doubles().put(e * in, image, 0, in);
            }
        }
    }

    @Override
    void addSums(HostConvolution call) {
        openblas.cblas_daxpy(call.weightGrad.size(), 1, weightSum.position(0), 1,
                call.weightGrad.doubleView(0).position(0), 1);
        if (call.biasGrad != null) {
            openblas.cblas_daxpy(call.outChannels, 1, biasSum.position(0), 1, call.biasGrad.doubleView(0).position(0),
                    1);
        }
    }
}
