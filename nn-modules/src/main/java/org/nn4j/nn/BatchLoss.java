package org.nn4j.nn;

import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;

/** What the losses share: their backend, shape checks, and a scratch matrix kept between batches. */
abstract class BatchLoss implements Loss {
    protected final Backend backend;
    private Matrix scratch;

    BatchLoss(Backend backend) {
        this.backend = backend;
    }

    @Override
    public Matrix backward(Matrix prediction, Matrix target) {
        Matrix out = backend.zeros(prediction.dtype(), prediction.rows(), prediction.cols());
        backward(prediction, target, out);
        return out;
    }

    protected void requireSameShape(Matrix prediction, Matrix target) {
        if (prediction.rows() != target.rows() || prediction.cols() != target.cols()
                || prediction.dtype() != target.dtype()) {
            throw new IllegalArgumentException(label() + ": prediction is " + prediction.dtype() + " "
                    + prediction.shape() + " but target is " + target.dtype() + " " + target.shape());
        }
    }

    /** A matrix of this shape, made on first use and kept while the shape stays the same. */
    protected Matrix scratch(Matrix like, int cols) {
        if (scratch == null || scratch.rows() != like.rows() || scratch.cols() != cols
                || scratch.dtype() != like.dtype()) {
            scratch = backend.zeros(like.dtype(), like.rows(), cols);
        }
        return scratch;
    }
}
