package org.nn4j.api;

/**
 * The image operations of {@link Backend} as loops over row-major host arrays, for the interface's
 * defaults and for backends that compute on the host. Each example is {@code x[e * inputSize ..]},
 * its channels, rows and columns in that order.
 */
public final class ImageKernels {

    private ImageKernels() {
    }

    /** {@link Backend#im2col}: {@code n} examples' patches, one row per output position. */
    public static void im2col(double[] x, int n, Window2d w, double[] out) {
        java.util.Arrays.fill(out, 0, n * w.positions() * w.patchSize(), 0);
        patches(x, n, w, out, true);
    }

    /** {@link Backend#col2im}: the adjoint of {@link #im2col}; {@code out} is overwritten. */
    public static void col2im(double[] cols, int n, Window2d w, double[] out) {
        java.util.Arrays.fill(out, 0, n * w.inputSize(), 0);
        patches(out, n, w, cols, false);
    }

    /**
     * Visits every (patch entry, image value) pair that a window covers, padding left out: copies the
     * image value into the entry ({@code gather}), or adds the entry to the image value.
     */
    private static void patches(double[] image, int n, Window2d w, double[] cols, boolean gather) {
        int kh = w.kernelHeight();
        int kw = w.kernelWidth();
        int patch = w.patchSize();
        int row = 0;
        for (int e = 0; e < n; e++) {
            int start = e * w.inputSize();
            for (int oy = 0; oy < w.outHeight(); oy++) {
                for (int ox = 0; ox < w.outWidth(); ox++, row++) {
                    int at = row * patch;
                    for (int c = 0; c < w.channels(); c++) {
                        int plane = start + c * w.height() * w.width();
                        for (int i = 0; i < kh; i++) {
                            int y = oy * w.strideHeight() - w.paddingHeight() + i;
                            for (int j = 0; j < kw; j++, at++) {
                                int xx = ox * w.strideWidth() - w.paddingWidth() + j;
                                if (y < 0 || y >= w.height() || xx < 0 || xx >= w.width()) {
                                    continue;
                                }
                                if (gather) {
                                    cols[at] = image[plane + y * w.width() + xx];
                                } else {
                                    image[plane + y * w.width() + xx] += cols[at];
                                }
                            }
                        }
                    }
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
     * {@link Backend#maxPool2d}: each window's maximum (padding is minus infinity) and its index within
     * the example's row (the first of equal maxima, the last NaN if any, as in PyTorch).
     */
    public static void maxPool2d(double[] x, int n, Window2d w, double[] out, double[] argmax) {
        int oh = w.outHeight();
        int ow = w.outWidth();
        int at = 0;
        for (int e = 0; e < n; e++) {
            int image = e * w.inputSize();
            for (int c = 0; c < w.channels(); c++) {
                int plane = c * w.height() * w.width();
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++, at++) {
                        double best = Double.NEGATIVE_INFINITY;
                        int bestAt = -1;
                        for (int i = 0; i < w.kernelHeight(); i++) {
                            int y = oy * w.strideHeight() - w.paddingHeight() + i;
                            if (y < 0 || y >= w.height()) {
                                continue;
                            }
                            for (int j = 0; j < w.kernelWidth(); j++) {
                                int xx = ox * w.strideWidth() - w.paddingWidth() + j;
                                if (xx < 0 || xx >= w.width()) {
                                    continue;
                                }
                                int index = plane + y * w.width() + xx;
                                double v = x[image + index];
                                if (bestAt < 0 || v > best || Double.isNaN(v)) {
                                    best = v;
                                    bestAt = index;
                                }
                            }
                        }
                        out[at] = best;
                        argmax[at] = bestAt;
                    }
                }
            }
        }
    }

    /** {@link Backend#maxPool2dBackward}: each gradient goes to its window's maximum; {@code out} is overwritten. */
    public static void maxPool2dBackward(double[] grad, double[] argmax, int n, Window2d w, double[] out) {
        java.util.Arrays.fill(out, 0, n * w.inputSize(), 0);
        int pooled = w.pooledSize();
        for (int e = 0; e < n; e++) {
            for (int k = 0; k < pooled; k++) {
                out[e * w.inputSize() + (int) argmax[e * pooled + k]] += grad[e * pooled + k];
            }
        }
    }

    /** {@link Backend#avgPool2d}: each window's mean, padding counted as zeros (PyTorch's count_include_pad). */
    public static void avgPool2d(double[] x, int n, Window2d w, double[] out) {
        double divisor = w.kernelHeight() * w.kernelWidth();
        int at = 0;
        for (int e = 0; e < n; e++) {
            int image = e * w.inputSize();
            for (int c = 0; c < w.channels(); c++) {
                int plane = image + c * w.height() * w.width();
                for (int oy = 0; oy < w.outHeight(); oy++) {
                    for (int ox = 0; ox < w.outWidth(); ox++, at++) {
                        double sum = 0;
                        for (int i = 0; i < w.kernelHeight(); i++) {
                            int y = oy * w.strideHeight() - w.paddingHeight() + i;
                            for (int j = 0; j < w.kernelWidth(); j++) {
                                int xx = ox * w.strideWidth() - w.paddingWidth() + j;
                                if (y >= 0 && y < w.height() && xx >= 0 && xx < w.width()) {
                                    sum += x[plane + y * w.width() + xx];
                                }
                            }
                        }
                        out[at] = sum / divisor;
                    }
                }
            }
        }
    }

    /** {@link Backend#avgPool2dBackward}: each gradient spread evenly over its window; {@code out} is overwritten. */
    public static void avgPool2dBackward(double[] grad, int n, Window2d w, double[] out) {
        java.util.Arrays.fill(out, 0, n * w.inputSize(), 0);
        double divisor = w.kernelHeight() * w.kernelWidth();
        int at = 0;
        for (int e = 0; e < n; e++) {
            int image = e * w.inputSize();
            for (int c = 0; c < w.channels(); c++) {
                int plane = image + c * w.height() * w.width();
                for (int oy = 0; oy < w.outHeight(); oy++) {
                    for (int ox = 0; ox < w.outWidth(); ox++, at++) {
                        double share = grad[at] / divisor;
                        for (int i = 0; i < w.kernelHeight(); i++) {
                            int y = oy * w.strideHeight() - w.paddingHeight() + i;
                            for (int j = 0; j < w.kernelWidth(); j++) {
                                int xx = ox * w.strideWidth() - w.paddingWidth() + j;
                                if (y >= 0 && y < w.height() && xx >= 0 && xx < w.width()) {
                                    out[plane + y * w.width() + xx] += share;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
