package org.nn4j.nn.layers;

import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;

/**
 * One purpose's reshaped view ({@link Backend#reshape}) of a matrix, made again only when the matrix or
 * the shape changes: a layer's buffers are the same matrices batch after batch, so a warm layer makes
 * no views.
 */
final class StepViews {
    private final Backend backend;
    private Matrix source;
    private Matrix view;

    StepViews(Backend backend) {
        this.backend = backend;
    }

    /** {@code m} seen as {@code rows x cols}. */
    Matrix of(Matrix m, int rows, int cols) {
        if (m != source || view.rows() != rows || view.cols() != cols) {
            view = m.rows() == rows && m.cols() == cols ? m : backend.reshape(m, rows, cols);
            source = m;
        }
        return view;
    }
}
