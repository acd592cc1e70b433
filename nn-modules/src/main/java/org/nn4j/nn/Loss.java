package org.nn4j.nn;

import org.nn4j.api.Matrix;

/**
 * A loss over a batch: predictions and targets are both {@code n x outputs}, the loss is their mean
 * over the batch, and the gradient is taken with respect to the predictions.
 */
public interface Loss {

    /** The name used in files and on the command line, for example {@code mse}. */
    String label();

    /** The mean loss of the batch. */
    double forward(Matrix prediction, Matrix target);

    /** {@code out = dL/d(prediction)}, {@code n x outputs}. */
    void backward(Matrix prediction, Matrix target, Matrix out);

    /** {@code dL/d(prediction)} in a new matrix. */
    Matrix backward(Matrix prediction, Matrix target);

    /** {@link #forward} and {@link #backward} together, which some losses do in one pass; returns the loss. */
    default double forwardBackward(Matrix prediction, Matrix target, Matrix out) {
        double loss = forward(prediction, target);
        backward(prediction, target, out);
        return loss;
    }
}
