package org.nn4j.nn.losses;

import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Buffers;
import org.nn4j.nn.Loss;

/**
 * Losses on the absolute error {@code d = p - y}, mean over all {@code n x k} elements, as PyTorch
 * defines them: {@code l1} ({@code torch.nn.L1Loss}), {@code |d|} with gradient {@code sign(d) / (n k)}
 * (0 where {@code d} is 0); and {@code smooth_l1} ({@code torch.nn.SmoothL1Loss}, {@code beta = 1}),
 * {@code 0.5 d²} where {@code |d| < 1} and {@code |d| - 0.5} elsewhere, with gradient {@code
 * clamp(d, -1, 1) / (n k)}: squared near the target, linear far from it, so outliers pull less than
 * with {@code mse}.
 */
public final class AbsoluteError extends BatchLoss {
    /** The name of {@code L1Loss} in model specs and the CLI. */
    public static final String L1 = "l1";
    /** The name of {@code SmoothL1Loss} in model specs and the CLI. */
    public static final String SMOOTH_L1 = "smooth_l1";

    private final boolean smooth;
    private final Buffers differences;
    private final Buffers parts;
    private final Buffers ones;

    /** {@code smooth_l1} when {@code smooth}, else {@code l1}, on {@code backend}. */
    public AbsoluteError(Backend backend, boolean smooth) {
        super(backend);
        this.smooth = smooth;
        this.differences = new Buffers(backend);
        this.parts = new Buffers(backend);
        this.ones = new Buffers(backend);
    }

    @Override
    public String label() {
        return smooth ? SMOOTH_L1 : L1;
    }

    @Override
    public double forward(Matrix prediction, Matrix target) {
        return forwardBackward(prediction, target, null);
    }

    @Override
    public void backward(Matrix prediction, Matrix target, Matrix out) {
        forwardBackward(prediction, target, out);
    }

    /**
     * The loss, and its gradient into {@code out} unless null. Built from the backend's element-wise
     * operations: {@code |d| = relu(d) + relu(-d)}, {@code sign(d) = [d > 0] - [-d > 0]}, and {@code
     * clamp(d, -1, 1) = d - relu(d - 1) + relu(-d - 1)}; smooth_l1's loss per element is {@code 0.5 c² +
     * |d| - |c|} with {@code c} the clamped difference.
     */
    @Override
    public double forwardBackward(Matrix prediction, Matrix target, Matrix out) {
        requireSameShape(prediction, target);
        int n = prediction.rows();
        int k = prediction.cols();
        Matrix d = differences.get(prediction.dtype(), n, k);
        backend.axpby(1, prediction, -1, target, d);
        Matrix negative = scratch(prediction, k);
        backend.scale(-1, d, negative);
        Matrix work = parts.get(prediction.dtype(), n, k);
        double absolute = sumOfRelu(d, work) + sumOfRelu(negative, work);
        double size = prediction.size();
        if (!smooth) {
            if (out != null) {
                // The step [x > 0] is relu's gradient, which the backends compute from relu's output.
                Matrix one = ones(prediction);
                backend.activation(ActivationKind.RELU, d, work);
                backend.activationBackward(ActivationKind.RELU, d, work, one, out);
                backend.activation(ActivationKind.RELU, negative, work);
                backend.activationBackward(ActivationKind.RELU, negative, work, one, d);
                backend.axpby(1 / size, out, -1 / size, d, out);
            }
            return absolute / size;
        }
        // c = d - relu(d - 1) + relu(-d - 1), built in d's place; negative becomes relu(-d - 1) first.
        Matrix one = ones(prediction);
        backend.axpby(1, negative, -1, one, negative);
        backend.activation(ActivationKind.RELU, negative, negative);
        backend.axpby(1, d, -1, one, work);
        backend.activation(ActivationKind.RELU, work, work);
        backend.axpby(1, d, -1, work, d);
        backend.axpby(1, d, 1, negative, d);
        backend.scale(-1, d, negative);
        double clampedAbsolute = sumOfRelu(d, work) + sumOfRelu(negative, work);
        double loss = (0.5 * backend.dot(d, d) + absolute - clampedAbsolute) / size;
        if (out != null) {
            backend.scale(1 / size, d, out);
        }
        return loss;
    }

    /** The sum of {@code relu(x)}, through {@code work}. */
    private double sumOfRelu(Matrix x, Matrix work) {
        backend.activation(ActivationKind.RELU, x, work);
        return backend.sum(work);
    }

    /** A matrix of ones of {@code like}'s shape and dtype. */
    private Matrix ones(Matrix like) {
        Matrix one = ones.get(like.dtype(), like.rows(), like.cols());
        backend.fill(one, 1);
        return one;
    }

    /** The loss {@code l1} for model specs. */
    public static final class L1Type implements org.nn4j.nn.spec.LossType {
        @Override
        public String name() {
            return L1;
        }

        @Override
        public String description() {
            return "mean over all outputs of |y - p| (torch.nn.L1Loss); regression on real-valued targets";
        }

        @Override
        public boolean regression() {
            return true;
        }

        @Override
        public Loss create(Backend backend) {
            return new AbsoluteError(backend, false);
        }
    }

    /** The loss {@code smooth_l1} for model specs. */
    public static final class SmoothL1Type implements org.nn4j.nn.spec.LossType {
        @Override
        public String name() {
            return SMOOTH_L1;
        }

        @Override
        public String description() {
            return "mean over all outputs of 0.5 (y - p)^2 within 1 of the target, |y - p| - 0.5 beyond"
                    + " (torch.nn.SmoothL1Loss, beta 1); regression on real-valued targets";
        }

        @Override
        public boolean regression() {
            return true;
        }

        @Override
        public Loss create(Backend backend) {
            return new AbsoluteError(backend, true);
        }
    }
}
