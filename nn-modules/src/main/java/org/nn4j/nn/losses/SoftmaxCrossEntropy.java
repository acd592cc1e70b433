package org.nn4j.nn.losses;

import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Loss;

/**
 * Softmax and categorical cross-entropy in one module, taking logits {@code o} ({@code n x k}) and
 * targets {@code y} whose rows are probability distributions, usually one-hot:
 * {@code L = mean over rows of -sum_j y_j log softmax(o)_j = mean of (logsumexp(o) - o·y)}, and
 * {@code dL/do = (softmax(o) - y) / n}. Neither needs {@code log} of a probability, so logits of
 * ±1e4 give finite results.
 */
public final class SoftmaxCrossEntropy extends BatchLoss {
    /** The name model specs give this loss (the CLI also accepts {@code ce}). */
    public static final String LABEL = "softmax_cross_entropy";

    /** The loss on {@code backend}. */
    public SoftmaxCrossEntropy(Backend backend) {
        super(backend);
    }

    @Override
    public String label() {
        return LABEL;
    }

    /**
     * The backend's fused {@link Backend#softmaxCrossEntropy}, its gradient left in a scratch matrix:
     * it keeps the digits of a nearly certain row, where {@code logsumexp(o) - o·y} would cancel
     * them (a loss of 1.6e-5 off by 2e-10 of itself).
     */
    @Override
    public double forward(Matrix logits, Matrix target) {
        requireSameShape(logits, target);
        return backend.softmaxCrossEntropy(logits, target, scratch(logits, logits.cols()));
    }

    /** One fused pass over the logits: the backend's {@link Backend#softmaxCrossEntropy}. */
    @Override
    public double forwardBackward(Matrix logits, Matrix target, Matrix out) {
        requireSameShape(logits, target);
        return backend.softmaxCrossEntropy(logits, target, out);
    }

    /** The gradient of the backend's fused {@link Backend#softmaxCrossEntropy}. */
    @Override
    public void backward(Matrix logits, Matrix target, Matrix out) {
        requireSameShape(logits, target);
        backend.softmaxCrossEntropy(logits, target, out);
    }

    /** The loss {@code softmax_cross_entropy} for model specs. */
    public static final class Type implements org.nn4j.nn.spec.LossType {
        @Override
        public String name() {
            return LABEL;
        }

        @Override
        public java.util.List<String> aliases() {
            return java.util.List.of("ce", "cross_entropy");
        }

        @Override
        public String description() {
            return "softmax and categorical cross-entropy on logits, mean over the batch (torch.nn.CrossEntropyLoss)";
        }

        @Override
        public Loss create(Backend backend) {
            return new SoftmaxCrossEntropy(backend);
        }
    }
}
