package org.nn4j.api.conformance;

import java.util.Arrays;
import org.nn4j.api.Window2d;

/**
 * Plain-Java float64 versions of the SPI's image operations, on row-major arrays of one example per
 * row: {@link ReferenceOps}' counterpart for images. Each walks a window by its coordinates, written
 * for obviousness, not speed: the backends' own loops (index tables, tiles) are checked against it.
 */
final class ReferenceImages {

    private ReferenceImages() {
    }

    /** The index within an example's row of window {@code (oy, ox)}'s entry {@code (c, i, j)}, or -1 in the padding. */
    private static int at(Window2d w, int c, int oy, int ox, int i, int j) {
        int y = oy * w.strideHeight() - w.paddingHeight() + i;
        int x = ox * w.strideWidth() - w.paddingWidth() + j;
        if (y < 0 || y >= w.height() || x < 0 || x >= w.width()) {
            return -1;
        }
        return (c * w.height() + y) * w.width() + x;
    }

    /** {@code Backend.im2col} of {@code n} examples: one row of {@code patchSize} values per output position. */
    static void im2col(double[] x, int n, Window2d w, double[] out) {
        int row = 0;
        for (int e = 0; e < n; e++) {
            for (int oy = 0; oy < w.outHeight(); oy++) {
                for (int ox = 0; ox < w.outWidth(); ox++, row++) {
                    int column = 0;
                    for (int c = 0; c < w.channels(); c++) {
                        for (int i = 0; i < w.kernelHeight(); i++) {
                            for (int j = 0; j < w.kernelWidth(); j++, column++) {
                                int k = at(w, c, oy, ox, i, j);
                                out[row * w.patchSize() + column] = k < 0 ? 0 : x[e * w.inputSize() + k];
                            }
                        }
                    }
                }
            }
        }
    }

    /** {@code Backend.col2im}: each image value the sum of the patch entries im2col copies from it. */
    static void col2im(double[] cols, int n, Window2d w, double[] out) {
        Arrays.fill(out, 0, n * w.inputSize(), 0);
        int row = 0;
        for (int e = 0; e < n; e++) {
            for (int oy = 0; oy < w.outHeight(); oy++) {
                for (int ox = 0; ox < w.outWidth(); ox++, row++) {
                    int column = 0;
                    for (int c = 0; c < w.channels(); c++) {
                        for (int i = 0; i < w.kernelHeight(); i++) {
                            for (int j = 0; j < w.kernelWidth(); j++, column++) {
                                int k = at(w, c, oy, ox, i, j);
                                if (k >= 0) {
                                    out[e * w.inputSize() + k] += cols[row * w.patchSize() + column];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code Backend.maxPool2d}: each window's largest value, the padding minus infinity, and its index in
     * the example's row; the first of equal maxima, and the last NaN where the window holds one.
     */
    static void maxPool2d(double[] x, int n, Window2d w, double[] out, double[] argmax) {
        int q = 0;
        for (int e = 0; e < n; e++) {
            for (int c = 0; c < w.channels(); c++) {
                for (int oy = 0; oy < w.outHeight(); oy++) {
                    for (int ox = 0; ox < w.outWidth(); ox++, q++) {
                        double best = Double.NEGATIVE_INFINITY;
                        int bestAt = -1;
                        for (int i = 0; i < w.kernelHeight(); i++) {
                            for (int j = 0; j < w.kernelWidth(); j++) {
                                int k = at(w, c, oy, ox, i, j);
                                if (k < 0) {
                                    continue;
                                }
                                double v = x[e * w.inputSize() + k];
                                if (bestAt < 0 || v > best || Double.isNaN(v)) {
                                    best = v;
                                    bestAt = k;
                                }
                            }
                        }
                        out[q] = best;
                        argmax[q] = bestAt;
                    }
                }
            }
        }
    }

    /** {@code Backend.maxPool2dBackward}: each gradient added at its window's maximum. */
    static void maxPool2dBackward(double[] grad, double[] argmax, int n, Window2d w, double[] out) {
        Arrays.fill(out, 0, n * w.inputSize(), 0);
        for (int e = 0; e < n; e++) {
            for (int q = 0; q < w.pooledSize(); q++) {
                out[e * w.inputSize() + (int) argmax[e * w.pooledSize() + q]] += grad[e * w.pooledSize() + q];
            }
        }
    }

    /** {@code Backend.avgPool2d}: each window's mean, the padding zeros counted in the divisor. */
    static void avgPool2d(double[] x, int n, Window2d w, double[] out) {
        int window = w.kernelHeight() * w.kernelWidth();
        int q = 0;
        for (int e = 0; e < n; e++) {
            for (int c = 0; c < w.channels(); c++) {
                for (int oy = 0; oy < w.outHeight(); oy++) {
                    for (int ox = 0; ox < w.outWidth(); ox++, q++) {
                        double sum = 0;
                        for (int i = 0; i < w.kernelHeight(); i++) {
                            for (int j = 0; j < w.kernelWidth(); j++) {
                                int k = at(w, c, oy, ox, i, j);
                                sum += k < 0 ? 0 : x[e * w.inputSize() + k];
                            }
                        }
                        out[q] = sum / window;
                    }
                }
            }
        }
    }

    /** {@code Backend.avgPool2dBackward}: each gradient shared evenly by its window's entries. */
    static void avgPool2dBackward(double[] grad, int n, Window2d w, double[] out) {
        Arrays.fill(out, 0, n * w.inputSize(), 0);
        int window = w.kernelHeight() * w.kernelWidth();
        int q = 0;
        for (int e = 0; e < n; e++) {
            for (int c = 0; c < w.channels(); c++) {
                for (int oy = 0; oy < w.outHeight(); oy++) {
                    for (int ox = 0; ox < w.outWidth(); ox++, q++) {
                        double share = grad[q] / window;
                        for (int i = 0; i < w.kernelHeight(); i++) {
                            for (int j = 0; j < w.kernelWidth(); j++) {
                                int k = at(w, c, oy, ox, i, j);
                                if (k >= 0) {
                                    out[e * w.inputSize() + k] += share;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
