package org.nn4j.nn.losses;

import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Buffers;
import org.nn4j.nn.Loss;

/** What the losses share: their backend, shape checks, and scratch matrices kept between batches. */
abstract class BatchLoss implements Loss {
    /** The backend the loss computes on. */
    protected final Backend backend;
    private final Buffers scratch;

    BatchLoss(Backend backend) {
        this.backend = backend;
        this.scratch = new Buffers(backend);
    }

    @Override
    public Matrix backward(Matrix prediction, Matrix target) {
        Matrix out = backend.zeros(prediction.dtype(), prediction.rows(), prediction.cols());
        backward(prediction, target, out);
        return out;
    }

    /**
     * Throws {@link IllegalArgumentException} unless {@code prediction} and {@code target} agree in shape and dtype.
     */
    protected void requireSameShape(Matrix prediction, Matrix target) {
        if (prediction.rows() != target.rows() || prediction.cols() != target.cols()
                || prediction.dtype() != target.dtype()) {
            throw new IllegalArgumentException(label() + ": prediction is " + prediction.dtype() + " "
                    + prediction.shape() + " but target is " + target.dtype() + " " + target.shape());
        }
    }

    /** A work matrix with {@code like}'s rows and dtype and {@code cols} columns. */
    protected Matrix scratch(Matrix like, int cols) {
        return scratch.get(like.dtype(), like.rows(), cols);
    }
}
