package org.nn4j.backend.host;

import java.util.Arrays;
import org.nn4j.api.Backend;
import org.nn4j.api.Window2d;

/**
 * The image operations of {@link Backend} as loops over row-major host arrays, for backends that
 * compute on the host. Each example is one row of {@code inputSize} values, its channels, rows and
 * columns in that order.
 *
 * <p>A window's geometry becomes an index table once ({@link #patchIndex}, {@link #poolIndex}): for
 * each output entry, where in an example's row its input is, or -1 in the padding. The loops then
 * only gather, scatter or compare along the tables, the same for every example and both dtypes.
 */
public final class ImageKernels {

    private ImageKernels() {
    }

    /**
     * For each (output position, patch entry) pair of {@link Backend#im2col}, row-major by position,
     * the index within an example's row of the value it copies, or -1 in the padding: {@code
     * w.positions() * w.patchSize()} entries.
     */
    public static int[] patchIndex(Window2d w) {
        int[] index = new int[w.positions() * w.patchSize()];
        int at = 0;
        for (int oy = 0; oy < w.outHeight(); oy++) {
            for (int ox = 0; ox < w.outWidth(); ox++) {
                for (int c = 0; c < w.channels(); c++) {
                    at = window(w, c * w.height() * w.width(), oy, ox, index, at);
                }
            }
        }
        return index;
    }

    /**
     * For each pooled value of {@link Backend#maxPool2d} (channel, row, column) and each entry of its
     * window, the index within an example's row of the value it covers, or -1 in the padding: {@code
     * w.pooledSize() * kernelHeight * kernelWidth} entries.
     */
    public static int[] poolIndex(Window2d w) {
        int[] index = new int[w.pooledSize() * w.kernelHeight() * w.kernelWidth()];
        int at = 0;
        for (int c = 0; c < w.channels(); c++) {
            for (int oy = 0; oy < w.outHeight(); oy++) {
                for (int ox = 0; ox < w.outWidth(); ox++) {
                    at = window(w, c * w.height() * w.width(), oy, ox, index, at);
                }
            }
        }
        return index;
    }

    /** Writes the indices of window {@code (oy, ox)} over the plane at {@code plane} from {@code at}. */
    private static int window(Window2d w, int plane, int oy, int ox, int[] index, int at) {
        for (int i = 0; i < w.kernelHeight(); i++) {
            int y = oy * w.strideHeight() - w.paddingHeight() + i;
            for (int j = 0; j < w.kernelWidth(); j++) {
                int x = ox * w.strideWidth() - w.paddingWidth() + j;
                index[at++] = y < 0 || y >= w.height() || x < 0 || x >= w.width() ? -1 : plane + y * w.width() + x;
            }
        }
        return at;
    }

    /** {@link Backend#im2col}: {@code n} examples' patches, one row per output position. */
    public static void im2col(double[] x, int n, Window2d w, double[] out) {
        gather(x, n, w.inputSize(), patchIndex(w), out);
    }

    /** {@link Backend#col2im}: the adjoint of {@link #im2col}; {@code out} is overwritten. */
    public static void col2im(double[] cols, int n, Window2d w, double[] out) {
        scatterAdd(cols, n, w.inputSize(), patchIndex(w), out);
    }

    /** Per example: {@code out[e * m + r] = x[e * inputSize + index[r]]}, 0 where the index is -1. */
    public static void gather(double[] x, int n, int inputSize, int[] index, double[] out) {
        int m = index.length;
        for (int e = 0; e < n; e++) {
            int from = e * inputSize;
            int to = e * m;
            for (int r = 0; r < m; r++) {
                int i = index[r];
                out[to + r] = i < 0 ? 0 : x[from + i];
            }
        }
    }

    /** As {@link #gather(double[], int, int, int[], double[])}, in float32, for examples {@code from .. to}. */
    public static void gather(float[] x, int from, int to, int inputSize, int[] index, float[] out) {
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

    /** The adjoint of gather: {@code out} (overwritten) gets each value added where it was gathered from. */
    public static void scatterAdd(double[] values, int n, int inputSize, int[] index, double[] out) {
        Arrays.fill(out, 0, n * inputSize, 0);
        int m = index.length;
        for (int e = 0; e < n; e++) {
            int to = e * inputSize;
            int from = e * m;
            for (int r = 0; r < m; r++) {
                int i = index[r];
                if (i >= 0) {
                    out[to + i] += values[from + r];
                }
            }
        }
    }

    /** As {@link #scatterAdd(double[], int, int, int[], double[])}, in float32, for examples {@code from .. to}. */
    public static void scatterAdd(float[] values, int from, int to, int inputSize, int[] index, float[] out) {
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

    /** {@link Backend#transposeBlocks}. */
    public static void transposeBlocks(double[] a, int blocks, int rows, int cols, double[] out) {
        int size = rows * cols;
        for (int b = 0; b < blocks; b++) {
            int base = b * size;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    out[base + j * rows + i] = a[base + i * cols + j];
                }
            }
        }
    }

    /**
     * As {@link #transposeBlocks(double[], int, int, int, double[])}, in float32, for blocks {@code
     * from .. to}: writing {@code out} in order, reading {@code a} down its columns (16 x 16 tiles
     * measured no faster here).
     */
    public static void transposeBlocks(float[] a, int from, int to, int rows, int cols, float[] out) {
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
     * {@link Backend#maxPool2d}: each window's maximum (padding is minus infinity) and its index within
     * the example's row (the first of equal maxima, the last NaN if any, as in PyTorch).
     */
    public static void maxPool2d(double[] x, int n, Window2d w, double[] out, double[] argmax) {
        maxPool2d(x, n, w.inputSize(), poolIndex(w), w.kernelHeight() * w.kernelWidth(), out, argmax);
    }

    /** {@link #maxPool2d(double[], int, Window2d, double[], double[])} along an index table of {@link #poolIndex}. */
    public static void maxPool2d(double[] x, int n, int inputSize, int[] index, int window, double[] out,
            double[] argmax) {
        int pooled = index.length / window;
        for (int e = 0; e < n; e++) {
            int from = e * inputSize;
            for (int q = 0, t = 0; q < pooled; q++) {
                double best = Double.NEGATIVE_INFINITY;
                int bestAt = -1;
                for (int k = 0; k < window; k++, t++) {
                    int i = index[t];
                    if (i >= 0) {
                        double v = x[from + i];
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
     * As {@link #maxPool2d(double[], int, int, int[], int, double[], double[])}, in float32, for
     * examples {@code from .. to}.
     */
    public static void maxPool2d(float[] x, int from, int to, int inputSize, int[] index, int window, float[] out,
            float[] argmax) {
        int pooled = index.length / window;
        for (int e = from; e < to; e++) {
            int source = e * inputSize;
            for (int q = 0, t = 0; q < pooled; q++) {
                float best = Float.NEGATIVE_INFINITY;
                int bestAt = -1;
                for (int k = 0; k < window; k++, t++) {
                    int i = index[t];
                    if (i >= 0) {
                        float v = x[source + i];
                        if (bestAt < 0 || v > best || Float.isNaN(v)) {
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
     * {@link Backend#maxPool2d} of examples {@code from .. to} along {@code index}, {@code w}'s {@link
     * #poolIndex} table; the common 2x2 window of stride 2 without padding by {@link #maxPool2x2}.
     */
    public static void maxPool2d(float[] x, int from, int to, Window2d w, int[] index, float[] out, float[] argmax) {
        if (halves(w)) {
            maxPool2x2(x, from, to, w, out, argmax);
        } else {
            maxPool2d(x, from, to, w.inputSize(), index, w.kernelHeight() * w.kernelWidth(), out, argmax);
        }
    }

    /** As {@link #maxPool2d(float[], int, int, Window2d, int[], float[], float[])}, in float64, for {@code n} examples. */
    public static void maxPool2d(double[] x, int n, Window2d w, int[] index, double[] out, double[] argmax) {
        if (halves(w)) {
            maxPool2x2(x, n, w, out, argmax);
        } else {
            maxPool2d(x, n, w.inputSize(), index, w.kernelHeight() * w.kernelWidth(), out, argmax);
        }
    }

    /** Whether {@code w} is a 2x2 window moved 2 at a time without padding. */
    static boolean halves(Window2d w) {
        return w.kernelHeight() == 2 && w.kernelWidth() == 2 && w.strideHeight() == 2 && w.strideWidth() == 2
                && w.paddingHeight() == 0 && w.paddingWidth() == 0;
    }

    /**
     * Max pooling over 2x2 windows of stride 2, the result of the general loop, without its branches
     * where a window's values are finite: which of them is largest is a coin toss, which a branch
     * predictor loses about once per window. The maximum comes from {@link Math#max}, then the first
     * value equal to it from integer arithmetic on the bits of the differences (zero exactly where
     * equal, for finite values).
     */
    static void maxPool2x2(float[] x, int from, int to, Window2d w, float[] out, float[] argmax) {
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
                        float v0 = x[source + a];
                        float v1 = x[source + a + 1];
                        float v2 = x[source + b];
                        float v3 = x[source + b + 1];
                        float max = Math.max(Math.max(v0, v1), Math.max(v2, v3));
                        int at;
                        if (Math.abs(max) <= Float.MAX_VALUE) {
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

    /** As {@link #maxPool2x2(float[], int, int, Window2d, float[], float[])}, in float64, for {@code n} examples. */
    static void maxPool2x2(double[] x, int n, Window2d w, double[] out, double[] argmax) {
        int width = w.width();
        int plane = w.height() * width;
        int pooled = w.pooledSize();
        for (int e = 0; e < n; e++) {
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

    /** 1 where finite {@code v == max}, else 0: the difference is exactly zero then, and +0 after adding +0. */
    private static int equal(float v, float max) {
        int bits = Float.floatToRawIntBits((v - max) + 0.0f);
        return ((bits | -bits) >>> 31) ^ 1;
    }

    private static int equal(double v, double max) {
        long bits = Double.doubleToRawLongBits((v - max) + 0.0);
        return (int) ((bits | -bits) >>> 63) ^ 1;
    }

    /** The general loop's choice in the 2x2 window of rows {@code a} and {@code b}: the first maximum, or the last NaN. */
    private static int firstMaximum(float[] x, int source, int a, int b) {
        int at = a;
        float best = x[source + a];
        for (int k = 1; k < 4; k++) {
            int i = k == 1 ? a + 1 : b + k - 2;
            float v = x[source + i];
            if (v > best || Float.isNaN(v)) {
                best = v;
                at = i;
            }
        }
        return at;
    }

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

    /** {@link Backend#maxPool2dBackward}: each gradient goes to its window's maximum; {@code out} is overwritten. */
    public static void maxPool2dBackward(double[] grad, double[] argmax, int n, Window2d w, double[] out) {
        Arrays.fill(out, 0, n * w.inputSize(), 0);
        int pooled = w.pooledSize();
        for (int e = 0; e < n; e++) {
            for (int k = 0; k < pooled; k++) {
                out[e * w.inputSize() + (int) argmax[e * pooled + k]] += grad[e * pooled + k];
            }
        }
    }

    /**
     * As {@link #maxPool2dBackward(double[], double[], int, Window2d, double[])}, in float32, for
     * examples {@code from .. to}.
     */
    public static void maxPool2dBackward(float[] grad, float[] argmax, int from, int to, Window2d w, float[] out) {
        Arrays.fill(out, from * w.inputSize(), to * w.inputSize(), 0);
        int pooled = w.pooledSize();
        for (int e = from; e < to; e++) {
            for (int k = 0; k < pooled; k++) {
                out[e * w.inputSize() + (int) argmax[e * pooled + k]] += grad[e * pooled + k];
            }
        }
    }

    /** {@link Backend#avgPool2d}: each window's mean, padding counted as zeros (PyTorch's count_include_pad). */
    public static void avgPool2d(double[] x, int n, Window2d w, double[] out) {
        avgPool2d(x, n, w.inputSize(), poolIndex(w), w.kernelHeight() * w.kernelWidth(), out);
    }

    /** {@link #avgPool2d(double[], int, Window2d, double[])} along an index table of {@link #poolIndex}. */
    public static void avgPool2d(double[] x, int n, int inputSize, int[] index, int window, double[] out) {
        int pooled = index.length / window;
        for (int e = 0; e < n; e++) {
            int from = e * inputSize;
            for (int q = 0, t = 0; q < pooled; q++) {
                double sum = 0;
                for (int k = 0; k < window; k++, t++) {
                    int i = index[t];
                    sum += i < 0 ? 0 : x[from + i];
                }
                out[e * pooled + q] = sum / window;
            }
        }
    }

    /**
     * As {@link #avgPool2d(double[], int, int, int[], int, double[])}, in float32 (summed in float64),
     * for examples {@code from .. to}.
     */
    public static void avgPool2d(float[] x, int from, int to, int inputSize, int[] index, int window, float[] out) {
        int pooled = index.length / window;
        for (int e = from; e < to; e++) {
            int source = e * inputSize;
            for (int q = 0, t = 0; q < pooled; q++) {
                double sum = 0;
                for (int k = 0; k < window; k++, t++) {
                    int i = index[t];
                    sum += i < 0 ? 0 : x[source + i];
                }
                out[e * pooled + q] = (float) (sum / window);
            }
        }
    }

    /** {@link Backend#avgPool2dBackward}: each gradient spread evenly over its window; {@code out} is overwritten. */
    public static void avgPool2dBackward(double[] grad, int n, Window2d w, double[] out) {
        avgPool2dBackward(grad, n, w.inputSize(), poolIndex(w), w.kernelHeight() * w.kernelWidth(), out);
    }

    /** {@link #avgPool2dBackward(double[], int, Window2d, double[])} along an index table of {@link #poolIndex}. */
    public static void avgPool2dBackward(double[] grad, int n, int inputSize, int[] index, int window, double[] out) {
        Arrays.fill(out, 0, n * inputSize, 0);
        int pooled = index.length / window;
        for (int e = 0; e < n; e++) {
            int to = e * inputSize;
            for (int q = 0, t = 0; q < pooled; q++) {
                double share = grad[e * pooled + q] / window;
                for (int k = 0; k < window; k++, t++) {
                    int i = index[t];
                    if (i >= 0) {
                        out[to + i] += share;
                    }
                }
            }
        }
    }

    /**
     * As {@link #avgPool2dBackward(double[], int, int, int[], int, double[])}, in float32, for examples
     * {@code from .. to}.
     */
    public static void avgPool2dBackward(float[] grad, int from, int to, int inputSize, int[] index, int window,
            float[] out) {
        Arrays.fill(out, from * inputSize, to * inputSize, 0);
        int pooled = index.length / window;
        for (int e = from; e < to; e++) {
            int target = e * inputSize;
            for (int q = 0, t = 0; q < pooled; q++) {
                float share = grad[e * pooled + q] / window;
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
