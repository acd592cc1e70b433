package org.nn4j.nn.losses;

import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Loss;

/**
 * {@code L = mean over all n x k elements of 0.5 (y - p)²}, so {@code dL/dp = (p - y) / (n k)}. On a
 * single output of a single example this is the assignment's {@code 0.5 (y - p)²} with gradient
 * {@code p - y}.
 */
public final class MeanSquaredError extends BatchLoss {
    /** The name model specs and the CLI give this loss. */
    public static final String LABEL = "mse";

    /** The loss on {@code backend}. */
    public MeanSquaredError(Backend backend) {
        super(backend);
    }

    @Override
    public String label() {
        return LABEL;
    }

    @Override
    public double forward(Matrix prediction, Matrix target) {
        requireSameShape(prediction, target);
        Matrix difference = scratch(prediction, prediction.cols());
        backend.axpby(1, prediction, -1, target, difference);
        return 0.5 * backend.dot(difference, difference) / prediction.size();
    }

    @Override
    public void backward(Matrix prediction, Matrix target, Matrix out) {
        requireSameShape(prediction, target);
        backend.axpby(1, prediction, -1, target, out);
        backend.scale(1.0 / prediction.size(), out, out);
    }

    /** The loss {@code mse} for model specs. */
    public static final class Type implements org.nn4j.nn.spec.LossType {
        @Override
        public String name() {
            return LABEL;
        }

        @Override
        public String description() {
            return "mean over all outputs of 0.5 (y - p)^2; regression on real-valued targets";
        }

        @Override
        public boolean regression() {
            return true;
        }

        @Override
        public Loss create(Backend backend) {
            return new MeanSquaredError(backend);
        }
    }
}
