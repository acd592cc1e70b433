package org.nn4j.backend.nd4j;

import org.nn4j.api.Matrix;
import org.nn4j.backend.host.SequenceKernels64;
import org.nn4j.codegen.Round;
import org.nn4j.codegen.Wide;

/** {@link Nd4jSequences} on float64 matrices; {@code Nd4jSequences32} is generated from this source at build time. */
final class Nd4jSequences64 extends Nd4jSequences {
    private static final int SLOTS = 8;
    private final double[][] arrays = new double[SLOTS][0];
    /** Per part: the scores (or their gradients) of one head, grown as needed. */
    private @Wide double[][] work = new @Wide double[1][0];
    private @Wide double[] weightSums = new @Wide double[0];
    private @Wide double[] biasSums = new @Wide double[0];

    Nd4jSequences64(Nd4jBackend backend) {
        super(backend);
    }

    /** Work array {@code slot}, at least {@code length} long. */
    private double[] array(int slot, int length) {
        if (arrays[slot].length < length) {
            arrays[slot] = new double[Math.max(length, 2 * arrays[slot].length)];
        }
        return arrays[slot];
    }

    /** {@code m}'s values in work array {@code slot}; null for a null {@code m}. */
    private double[] in(Matrix m, int slot) {
        if (m == null) {
            return null;
        }
        double[] values = array(slot, m.size());
        backend.getDoubles(Nd4jBackend.own(m), values);
        return values;
    }

    private void out(double[] values, Matrix m) {
        backend.putDoubles(Nd4jBackend.own(m), values);
    }

    @Override
    void layerNorm(Matrix x, Matrix weight, Matrix bias, @Wide double eps, Matrix out, Matrix mean, Matrix rstd) {
        double[] xs = in(x, 0);
        double[] ys = array(1, x.size());
        double[] means = array(2, x.rows());
        double[] inv = array(3, x.rows());
        SequenceKernels64.layerNorm(xs, in(weight, 4), in(bias, 5), eps, 0, x.rows(), x.cols(), ys, means, inv);
        out(ys, out);
        out(means, mean);
        out(inv, rstd);
    }

    @Override
    void layerNormBackward(Matrix grad, Matrix x, Matrix weight, Matrix mean, Matrix rstd, Matrix inputGrad,
            Matrix weightGrad, Matrix biasGrad) {
        int cols = x.cols();
        if (weightSums.length < cols) {
            weightSums = new @Wide double[cols];
            biasSums = new @Wide double[cols];
        }
        java.util.Arrays.fill(weightSums, 0, cols, 0);
        java.util.Arrays.fill(biasSums, 0, cols, 0);
        double[] dx = array(6, x.size());
        SequenceKernels64.layerNormBackward(in(grad, 0), in(x, 1), in(weight, 2), in(mean, 3), in(rstd, 4), 0, x.rows(),
                cols, dx, weightGrad == null ? null : weightSums, biasGrad == null ? null : biasSums);
        out(dx, inputGrad);
        store(weightSums, weightGrad, cols);
        store(biasSums, biasGrad, cols);
    }

    private void store(@Wide double[] sums, Matrix row, int cols) {
        if (row != null) {
            double[] values = array(7, cols);
            for (int j = 0; j < cols; j++) {
                values[j] = (@Round double) sums[j];
            }
            out(values, row);
        }
    }

    @Override
    void gelu(boolean tanhApproximation, Matrix x, Matrix out) {
        double[] values = in(x, 0);
        SequenceKernels64.gelu(tanhApproximation, values, x.size(), values);
        out(values, out);
    }

    @Override
    void geluBackward(boolean tanhApproximation, Matrix x, Matrix grad, Matrix out) {
        double[] values = in(x, 0);
        SequenceKernels64.geluBackward(tanhApproximation, values, in(grad, 1), x.size(), values);
        out(values, out);
    }

    @Override
    void attention(Matrix qkv, int steps, int heads, int[] lengths, Matrix dropMask, Matrix probs, Matrix context) {
        int n = qkv.rows() / steps;
        double[] p = array(2, probs.size());
        double[] c = array(3, context.size());
        double[] q = in(qkv, 0);
        double[] mask = in(dropMask, 1);
        int width = qkv.cols() / 3;
        ensureWork(steps);
        split(n, 2L * qkv.rows() * steps * width, (part, from, to) -> SequenceKernels64.attention(q, steps, heads,
                width, lengths, mask, from, to, p, c, work[part]));
        out(p, probs);
        out(c, context);
    }

    @Override
    void attentionBackward(Matrix grad, Matrix qkv, int steps, int heads, int[] lengths, Matrix dropMask,
            Matrix probs, Matrix qkvGrad) {
        int n = qkv.rows() / steps;
        double[] out = array(4, qkvGrad.size());
        double[] g = in(grad, 0);
        double[] q = in(qkv, 1);
        double[] mask = in(dropMask, 2);
        double[] p = in(probs, 3);
        int width = qkv.cols() / 3;
        ensureWork(steps * steps);
        split(n, 4L * qkv.rows() * steps * width, (part, from, to) -> SequenceKernels64.attentionBackward(g, q, steps,
                heads, width, lengths, mask, p, from, to, out, work[part]));
        out(out, qkvGrad);
    }

    private void ensureWork(int length) {
        if (work.length != parts()) {
            work = new @Wide double[parts()][0];
        }
        for (int i = 0; i < work.length; i++) {
            if (work[i].length < length) {
                work[i] = new @Wide double[length];
            }
        }
    }
}
