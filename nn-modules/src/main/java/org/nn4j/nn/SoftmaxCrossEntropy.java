package org.nn4j.nn;

import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;

/**
 * Softmax and categorical cross-entropy in one module, taking logits {@code o} ({@code n x k}) and
 * targets {@code y} whose rows are probability distributions, usually one-hot:
 * {@code L = mean over rows of -sum_j y_j log softmax(o)_j = mean of (logsumexp(o) - o·y)}, and
 * {@code dL/do = (softmax(o) - y) / n}. Neither needs {@code log} of a probability, so logits of
 * ±1e4 give finite results.
 */
public final class SoftmaxCrossEntropy extends BatchLoss {
    public static final String LABEL = "softmax_cross_entropy";

    public SoftmaxCrossEntropy(Backend backend) {
        super(backend);
    }

    @Override
    public String label() {
        return LABEL;
    }

    @Override
    public double forward(Matrix logits, Matrix target) {
        requireSameShape(logits, target);
        Matrix logSumExp = scratch(logits, 1);
        backend.logSumExpRows(logits, logSumExp);
        // Each target row sums to 1, so sum_j y_j (lse - o_j) = lse - o·y.
        return (backend.sum(logSumExp) - backend.dot(logits, target)) / logits.rows();
    }

    /** One fused pass over the logits: the backend's {@link Backend#softmaxCrossEntropy}. */
    @Override
    public double forwardBackward(Matrix logits, Matrix target, Matrix out) {
        requireSameShape(logits, target);
        return backend.softmaxCrossEntropy(logits, target, out);
    }

    @Override
    public void backward(Matrix logits, Matrix target, Matrix out) {
        requireSameShape(logits, target);
        backend.softmaxRows(logits, out);
        backend.axpby(1, out, -1, target, out);
        backend.scale(1.0 / logits.rows(), out, out);
    }

    /** The loss {@code softmax_cross_entropy} for model specs. */
    public static final class Type implements org.nn4j.nn.spec.LossType {
        @Override
        public String name() {
            return LABEL;
        }

        @Override
        public java.util.List<String> aliases() {
            return java.util.List.of("ce");
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
