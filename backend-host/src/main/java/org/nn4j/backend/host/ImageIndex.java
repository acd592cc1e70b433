package org.nn4j.backend.host;

import org.nn4j.api.Backend;
import org.nn4j.api.Window2d;

/**
 * A window's geometry as an index table, made once per window: for each output entry, where in an
 * example's row its input is, or -1 in the padding. {@code ImageKernels64} and {@code ImageKernels32}
 * then only gather, scatter or compare along the tables, the same for every example.
 */
public final class ImageIndex {

    private ImageIndex() {
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

    /** Whether {@code w} is a 2x2 window moved 2 at a time without padding. */
    static boolean halves(Window2d w) {
        return w.kernelHeight() == 2 && w.kernelWidth() == 2 && w.strideHeight() == 2 && w.strideWidth() == 2
                && w.paddingHeight() == 0 && w.paddingWidth() == 0;
    }
}
