package org.nn4j.nn.layers;

import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;

/**
 * The views ({@link Backend#reshape}) a sequence layer takes of its matrices, kept: a layer sees the same
 * buffers batch after batch, so that once warm it asks for no new view. A few entries, replaced in turn.
 */
final class Views {
    private static final int ENTRIES = 64;
    private final Backend backend;
    private final Matrix[] sources = new Matrix[ENTRIES];
    private final Matrix[] views = new Matrix[ENTRIES];
    private int next;

    Views(Backend backend) {
        this.backend = backend;
    }

    /** {@code m} seen as {@code rows x cols}: {@code m} itself when it has that shape. */
    Matrix of(Matrix m, int rows, int cols) {
        if (m.rows() == rows && m.cols() == cols) {
            return m;
        }
        for (int i = 0; i < ENTRIES; i++) {
            if (sources[i] == m && views[i].rows() == rows && views[i].cols() == cols) {
                return views[i];
            }
        }
        Matrix view = backend.reshape(m, rows, cols);
        sources[next] = m;
        views[next] = view;
        next = (next + 1) % ENTRIES;
        return view;
    }
}
