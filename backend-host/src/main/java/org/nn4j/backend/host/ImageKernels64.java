package org.nn4j.backend.host;

import java.util.Arrays;
import org.nn4j.api.Backend;
import org.nn4j.api.Window2d;
import org.nn4j.codegen.Round;
import org.nn4j.codegen.Wide;

/**
 * The image operations of {@link Backend} as loops over row-major float64 host arrays, for backends
 * that compute on the host; {@code ImageKernels32} is the same on float32 arrays, generated from this
 * source at build time. Each example is one row of {@code inputSize} values, its channels, rows and
 * columns in that order. Each loop walks examples {@code from .. to}, so that a backend can split a
 * batch across threads, along an index table of {@link ImageIndex}.
 */
public final class ImageKernels64 {

    private ImageKernels64() {
    }

    /**
     * {@link Backend#im2col} along {@link ImageIndex#patchIndex}, for examples {@code from .. to}: {@code
     * out[e * m + r] = x[e * inputSize + index[r]]}, 0 where the index is -1 ({@code m = index.length}).
     */
    public static void gather(double[] x, int from, int to, int inputSize, int[] index, double[] out) {
        int m = index.length;
        for (int e = from; e < to; e++) {
            int source = e * inputSize;
            int target = e * m;
            for (int r = 0; r < m; r++) {
                int i = index[r];
                out[target + r] = i < 0 ? 0 : x[source + i];
            }
        }
    }

    /**
     * {@link Backend#col2im}, the adjoint of {@link #gather}, for examples {@code from .. to}: their rows
     * of {@code out} (overwritten) get each value added where it was gathered from.
     */
    public static void scatterAdd(double[] values, int from, int to, int inputSize, int[] index, double[] out) {
        Arrays.fill(out, from * inputSize, to * inputSize, 0);
        int m = index.length;
        for (int e = from; e < to; e++) {
            int target = e * inputSize;
            int source = e * m;
            for (int r = 0; r < m; r++) {
                int i = index[r];
                if (i >= 0) {
                    out[target + i] += values[source + r];
                }
            }
        }
    }

    /**
     * {@link Backend#transposeBlocks} for blocks {@code from .. to}: writing {@code out} in order, reading
     * {@code a} down its columns (16 x 16 tiles measured no faster here).
     */
    public static void transposeBlocks(double[] a, int from, int to, int rows, int cols, double[] out) {
        int size = rows * cols;
        for (int b = from; b < to; b++) {
            int base = b * size;
            for (int j = 0; j < cols; j++) {
                int column = base + j;
                int target = base + j * rows;
                for (int i = 0; i < rows; i++) {
                    out[target + i] = a[column + i * cols];
                }
            }
        }
    }

    /**
     * {@link Backend#maxPool2d} of examples {@code from .. to} along {@code index}, {@code w}'s {@link
     * ImageIndex#poolIndex} table; the common 2x2 window of stride 2 without padding by {@link #maxPool2x2}.
     */
    public static void maxPool2d(double[] x, int from, int to, Window2d w, int[] index, double[] out,
            double[] argmax) {
        if (ImageIndex.halves(w)) {
            maxPool2x2(x, from, to, w, out, argmax);
        } else {
            maxPool2d(x, from, to, w.inputSize(), index, w.kernelHeight() * w.kernelWidth(), out, argmax);
        }
    }

    /**
     * {@link Backend#maxPool2d} along an index table of windows of {@code window} entries, for examples
     * {@code from .. to}: each window's maximum (padding is minus infinity) and its index within the
     * example's row (the first of equal maxima, the last NaN if any, as in PyTorch).
     */
    public static void maxPool2d(double[] x, int from, int to, int inputSize, int[] index, int window, double[] out,
            double[] argmax) {
        int pooled = index.length / window;
        for (int e = from; e < to; e++) {
            int source = e * inputSize;
            for (int q = 0, t = 0; q < pooled; q++) {
                double best = Double.NEGATIVE_INFINITY;
                int bestAt = -1;
                for (int k = 0; k < window; k++, t++) {
                    int i = index[t];
                    if (i >= 0) {
                        double v = x[source + i];
                        if (bestAt < 0 || v > best || Double.isNaN(v)) {
                            best = v;
                            bestAt = i;
                        }
                    }
                }
                out[e * pooled + q] = best;
                argmax[e * pooled + q] = bestAt;
            }
        }
    }

    /**
     * Max pooling over 2x2 windows of stride 2, the result of the general loop, without its branches
     * where a window's values are finite: which of them is largest is a coin toss, which a branch
     * predictor loses about once per window. The maximum comes from {@link Math#max}, then the first
     * value equal to it from integer arithmetic on the bits of the differences (zero exactly where
     * equal, for finite values).
     */
    static void maxPool2x2(double[] x, int from, int to, Window2d w, double[] out, double[] argmax) {
        int width = w.width();
        int plane = w.height() * width;
        int pooled = w.pooledSize();
        for (int e = from; e < to; e++) {
            int source = e * w.inputSize();
            int o = e * pooled;
            for (int c = 0; c < w.channels(); c++) {
                for (int oy = 0; oy < w.outHeight(); oy++) {
                    int top = c * plane + 2 * oy * width;
                    for (int ox = 0; ox < w.outWidth(); ox++, o++) {
                        int a = top + 2 * ox;
                        int b = a + width;
                        double v0 = x[source + a];
                        double v1 = x[source + a + 1];
                        double v2 = x[source + b];
                        double v3 = x[source + b + 1];
                        double max = Math.max(Math.max(v0, v1), Math.max(v2, v3));
                        int at;
                        if (Math.abs(max) <= Double.MAX_VALUE) {
                            at = b + 1;
                            at += (b - at) & -equal(v2, max);
                            at += (a + 1 - at) & -equal(v1, max);
                            at += (a - at) & -equal(v0, max);
                        } else {
                            at = firstMaximum(x, source, a, b);
                        }
                        out[o] = x[source + at];
                        argmax[o] = at;
                    }
                }
            }
        }
    }

    /**
     * 1 where finite {@code v == max}, else 0: the difference is exactly zero then, and +0 after adding
     * +0, whose bits are all zero; any other difference has a bit set, so {@code bits | -bits} has its
     * sign bit set (the raw bits widened to a long keep that, sign and all).
     */
    private static int equal(double v, double max) {
        long bits = Double.doubleToRawLongBits((v - max) + 0.0);
        return (int) ((bits | -bits) >>> 63) ^ 1;
    }

    /** The general loop's choice in the 2x2 window of rows {@code a} and {@code b}: the first maximum, or the last NaN. */
    private static int firstMaximum(double[] x, int source, int a, int b) {
        int at = a;
        double best = x[source + a];
        for (int k = 1; k < 4; k++) {
            int i = k == 1 ? a + 1 : b + k - 2;
            double v = x[source + i];
            if (v > best || Double.isNaN(v)) {
                best = v;
                at = i;
            }
        }
        return at;
    }

    /**
     * {@link Backend#maxPool2dBackward} for examples {@code from .. to}: each gradient goes to its window's
     * maximum; their rows of {@code out} are overwritten.
     */
    public static void maxPool2dBackward(double[] grad, double[] argmax, int from, int to, Window2d w,
            double[] out) {
        Arrays.fill(out, from * w.inputSize(), to * w.inputSize(), 0);
        int pooled = w.pooledSize();
        for (int e = from; e < to; e++) {
            for (int k = 0; k < pooled; k++) {
                out[e * w.inputSize() + (int) argmax[e * pooled + k]] += grad[e * pooled + k];
            }
        }
    }

    /**
     * {@link Backend#avgPool2d} along an index table of windows of {@code window} entries, for examples
     * {@code from .. to}: each window's mean, padding counted as zeros (PyTorch's count_include_pad),
     * summed in 64-bit floats.
     */
    public static void avgPool2d(double[] x, int from, int to, int inputSize, int[] index, int window,
            double[] out) {
        int pooled = index.length / window;
        for (int e = from; e < to; e++) {
            int source = e * inputSize;
            for (int q = 0, t = 0; q < pooled; q++) {
                @Wide double sum = 0;
                for (int k = 0; k < window; k++, t++) {
                    int i = index[t];
                    sum += i < 0 ? 0 : x[source + i];
                }
                out[e * pooled + q] = (@Round double) (sum / window);
            }
        }
    }

    /**
     * {@link Backend#avgPool2dBackward} along an index table, for examples {@code from .. to}: each
     * gradient spread evenly over its window; their rows of {@code out} are overwritten.
     */
    public static void avgPool2dBackward(double[] grad, int from, int to, int inputSize, int[] index, int window,
            double[] out) {
        Arrays.fill(out, from * inputSize, to * inputSize, 0);
        int pooled = index.length / window;
        for (int e = from; e < to; e++) {
            int target = e * inputSize;
            for (int q = 0, t = 0; q < pooled; q++) {
                double share = grad[e * pooled + q] / window;
                for (int k = 0; k < window; k++, t++) {
                    int i = index[t];
                    if (i >= 0) {
                        out[target + i] += share;
                    }
                }
            }
        }
    }
}
