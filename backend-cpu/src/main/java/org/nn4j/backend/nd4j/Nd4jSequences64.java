package org.nn4j.backend.nd4j;

import org.nn4j.api.Matrix;
import org.nn4j.api.StepPooling;
import org.nn4j.backend.host.AttentionSplit64;
import org.nn4j.backend.host.LayerNormSplit64;
import org.nn4j.backend.host.SequenceKernels64;
import org.nn4j.backend.host.TokenKernels64;
import org.nn4j.backend.host.WorkerPool;
import org.nn4j.codegen.Round;
import org.nn4j.codegen.Wide;

/** {@link Nd4jSequences} on float64 matrices; {@code Nd4jSequences32} is generated from this source at build time. */
final class Nd4jSequences64 extends Nd4jSequences {
    private static final int SLOTS = 8;
    private final double[][] arrays = new double[SLOTS][0];
    /** Attention on the calling thread, or split across the host path's pool ({@link #splitOn}). */
    private AttentionSplit64 attention = new AttentionSplit64(null);
    private @Wide double[] weightSums = new @Wide double[0];
    private @Wide double[] biasSums = new @Wide double[0];
    private SplitCopy64 copy = new SplitCopy64(null);
    private LayerNormSplit64 layerNorm = new LayerNormSplit64(null);

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
        if (!copy.get(Nd4jBackend.own(m), values)) {
            backend.getDoubles(Nd4jBackend.own(m), values);
        }
        return values;
    }

    private void out(double[] values, Matrix m) {
        if (!copy.put(Nd4jBackend.own(m), values)) {
            backend.putDoubles(Nd4jBackend.own(m), values);
        }
    }

    @Override
    void poolSteps(StepPooling mode, Matrix x, int steps, int[] lengths, Matrix out, int[] from) {
        double[] pooled = array(1, out.size());
        TokenKernels64.poolSteps(mode, in(x, 0), x.rows(), steps, out.cols(), lengths, pooled, from);
        out(pooled, out);
    }

    @Override
    void poolStepsBackward(StepPooling mode, Matrix grad, int steps, int[] lengths, int[] from, Matrix out) {
        double[] spread = array(1, out.size());
        TokenKernels64.poolStepsBackward(mode, in(grad, 0), grad.rows(), steps, grad.cols(), lengths, from, spread);
        out(spread, out);
    }

    @Override
    void layerNorm(Matrix x, Matrix weight, Matrix bias, @Wide double eps, Matrix out, Matrix mean, Matrix rstd) {
        double[] xs = in(x, 0);
        double[] ys = array(1, x.size());
        double[] means = array(2, x.rows());
        double[] inv = array(3, x.rows());
        layerNorm.forward(xs, in(weight, 4), in(bias, 5), eps, x.rows(), x.cols(), ys, means, inv);
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
        layerNorm.backward(in(grad, 0), in(x, 1), in(weight, 2), in(mean, 3), in(rstd, 4), x.rows(), cols, dx,
                weightGrad == null ? null : weightSums, biasGrad == null ? null : biasSums);
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
    void splitOn(WorkerPool pool) {
        attention = new AttentionSplit64(pool);
        copy = new SplitCopy64(pool);
        layerNorm = new LayerNormSplit64(pool);
    }

    @Override
    void attention(Matrix qkv, int steps, int heads, int[] lengths, Matrix dropMask, Matrix probs, Matrix context) {
        double[] p = array(2, probs.size());
        double[] c = array(3, context.size());
        attention.forward(in(qkv, 0), qkv.rows() / steps, steps, heads, qkv.cols() / 3, lengths, in(dropMask, 1), p, c);
        out(p, probs);
        out(c, context);
    }

    @Override
    void attentionBackward(Matrix grad, Matrix qkv, int steps, int heads, int[] lengths, Matrix dropMask,
            Matrix probs, Matrix qkvGrad) {
        double[] out = array(4, qkvGrad.size());
        attention.backward(in(grad, 0), in(qkv, 1), qkv.rows() / steps, steps, heads, qkv.cols() / 3, lengths,
                in(dropMask, 2), in(probs, 3), out);
        out(out, qkvGrad);
    }
}
