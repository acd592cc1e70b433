package org.nn4j.nn;

import java.util.List;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;

/**
 * A loss over a batch: predictions and targets are both {@code n x outputs}, the loss is their mean
 * over the batch, and the gradient is taken with respect to the predictions.
 */
public interface Loss {

    /** The labels of every loss there is. */
    List<String> LABELS = List.of(MeanSquaredError.LABEL, SoftmaxCrossEntropy.LABEL);

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

    /** The loss named {@code label} ({@code mse} or {@code softmax_cross_entropy}), or null. */
    static Loss byLabel(Backend backend, String label) {
        switch (label) {
            case MeanSquaredError.LABEL:
                return new MeanSquaredError(backend);
            case SoftmaxCrossEntropy.LABEL:
                return new SoftmaxCrossEntropy(backend);
            default:
                return null;
        }
    }
}
