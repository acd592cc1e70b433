package org.nn4j.nn.losses;

import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Buffers;
import org.nn4j.nn.Loss;

/**
 * Softmax and categorical cross-entropy in one module, taking logits {@code o} ({@code n x k}) and
 * targets {@code y} whose rows are probability distributions, usually one-hot:
 * {@code L = mean over rows of -sum_j y_j log softmax(o)_j = mean of (logsumexp(o) - o·y)}, and
 * {@code dL/do = (softmax(o) - y) / n}. Neither needs {@code log} of a probability, so logits of
 * ±1e4 give finite results.
 *
 * <p>With class weights {@code w} (PyTorch's {@code CrossEntropyLoss(weight=w)}, for one-hot targets),
 * each row counts {@code r_i = w·y_i}: {@code L = sum_i r_i (logsumexp(o_i) - o_i·y_i) / sum_i r_i} and
 * {@code dL/do_i = r_i (softmax(o_i) - y_i) / sum_i r_i}: rare classes can weigh as much as common ones.
 */
public final class SoftmaxCrossEntropy extends BatchLoss {
    /** The name model specs give this loss (the CLI also accepts {@code ce}). */
    public static final String LABEL = "softmax_cross_entropy";

    private final double[] classWeights;
    private final Buffers weightedTargets;
    private final Buffers rowWeights;
    private final Buffers rowLogSumExps;
    private final Buffers spreadWeights;
    private final Buffers onesColumn;
    private final Buffers onesRow;
    private final Buffers weightRow;

    /** The loss on {@code backend}. */
    public SoftmaxCrossEntropy(Backend backend) {
        this(backend, null);
    }

    /**
     * The loss on {@code backend} with {@code classWeights}, one per class (output), as PyTorch's {@code
     * weight}; null for none.
     *
     * @throws IllegalArgumentException for a weight that is negative or not finite, or none positive
     */
    public SoftmaxCrossEntropy(Backend backend, double[] classWeights) {
        super(backend);
        if (classWeights != null) {
            boolean positive = false;
            for (double w : classWeights) {
                if (!(w >= 0 && Double.isFinite(w))) {
                    throw new IllegalArgumentException("a class weight must be a finite number, 0 or more, not " + w);
                }
                positive |= w > 0;
            }
            if (!positive) {
                throw new IllegalArgumentException("the class weights are all 0");
            }
        }
        this.classWeights = classWeights == null ? null : classWeights.clone();
        weightedTargets = new Buffers(backend);
        rowWeights = new Buffers(backend);
        rowLogSumExps = new Buffers(backend);
        spreadWeights = new Buffers(backend);
        onesColumn = new Buffers(backend);
        onesRow = new Buffers(backend);
        weightRow = new Buffers(backend);
    }

    /** The class weights, or null when every class counts the same. */
    public double[] classWeights() {
        return classWeights == null ? null : classWeights.clone();
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
        return classWeights != null ? weighted(logits, target, null)
                : backend.softmaxCrossEntropy(logits, target, scratch(logits, logits.cols()));
    }

    /** One fused pass over the logits: the backend's {@link Backend#softmaxCrossEntropy}. */
    @Override
    public double forwardBackward(Matrix logits, Matrix target, Matrix out) {
        requireSameShape(logits, target);
        return classWeights != null ? weighted(logits, target, out) : backend.softmaxCrossEntropy(logits, target, out);
    }

    /** The gradient of the backend's fused {@link Backend#softmaxCrossEntropy}. */
    @Override
    public void backward(Matrix logits, Matrix target, Matrix out) {
        requireSameShape(logits, target);
        if (classWeights != null) {
            weighted(logits, target, out);
        } else {
            backend.softmaxCrossEntropy(logits, target, out);
        }
    }

    /**
     * The weighted loss, and its gradient into {@code out} unless null. The loss is {@code logsumexp - o·y}
     * per row, which loses digits on a nearly certain row (the fused unweighted pass keeps them); fine for
     * training, where such rows contribute next to nothing.
     */
    private double weighted(Matrix logits, Matrix target, Matrix out) {
        int n = logits.rows();
        int k = logits.cols();
        if (k != classWeights.length) {
            throw new IllegalArgumentException(label() + ": " + classWeights.length + " class weights for " + k
                    + " classes");
        }
        DType dtype = logits.dtype();
        Matrix weights = weightRow.get(dtype, 1, k);
        backend.copyIn(classWeights, weights);
        Matrix wy = weightedTargets.get(dtype, n, k);
        backend.multiplyRowVector(target, weights, wy);
        Matrix r = rowWeights.get(dtype, n, 1);
        Matrix column = onesColumn.get(dtype, k, 1);
        backend.fill(column, 1);
        backend.gemm(false, false, 1, wy, column, 0, r);
        double total = backend.sum(r);
        Matrix lse = rowLogSumExps.get(dtype, n, 1);
        backend.logSumExpRows(logits, lse);
        double loss = (backend.dot(r, lse) - backend.dot(logits, wy)) / total;
        if (out != null) {
            Matrix row = onesRow.get(dtype, 1, k);
            backend.fill(row, 1);
            Matrix spread = spreadWeights.get(dtype, n, k);
            backend.gemm(false, false, 1, r, row, 0, spread);
            backend.softmaxRows(logits, out);
            backend.multiply(out, spread, out);
            backend.axpby(1 / total, out, -1 / total, wy, out);
        }
        return loss;
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
