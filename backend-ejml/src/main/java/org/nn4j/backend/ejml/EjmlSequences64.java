package org.nn4j.backend.ejml;

import org.nn4j.api.Matrix;
import org.nn4j.backend.host.SequenceKernels64;
import org.nn4j.backend.host.WorkerPool;
import org.nn4j.codegen.Round;
import org.nn4j.codegen.Wide;

/** {@link EjmlSequences} on float64 matrices; {@code EjmlSequences32} is generated from this source at build time. */
final class EjmlSequences64 extends EjmlSequences {
    /** Per worker: the scores (or the score gradients) of one head, grown as needed. */
    private final @Wide double[][] work;
    /** The float64 column sums of the layer normalisation's weight and bias gradients, grown as needed. */
    private @Wide double[] weightSums = new @Wide double[0];
    private @Wide double[] biasSums = new @Wide double[0];

    EjmlSequences64(WorkerPool pool) {
        super(pool);
        this.work = new @Wide double[pool.parts()][0];
    }

    private static double[] data(Matrix m) {
        return ((EjmlMatrix64) EjmlMatrix.own(m)).matrix.data;
    }

    private static double[] dataOrNull(Matrix m) {
        return m == null ? null : data(m);
    }

    @Override
    void layerNorm(Matrix x, Matrix weight, Matrix bias, @Wide double eps, Matrix out, Matrix mean, Matrix rstd) {
        SequenceKernels64.layerNorm(data(x), dataOrNull(weight), dataOrNull(bias), eps, 0, x.rows(), x.cols(),
                data(out), data(mean), data(rstd));
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
        SequenceKernels64.layerNormBackward(data(grad), data(x), dataOrNull(weight), data(mean), data(rstd), 0,
                x.rows(), cols, data(inputGrad), weightGrad == null ? null : weightSums,
                biasGrad == null ? null : biasSums);
        store(weightSums, weightGrad, cols);
        store(biasSums, biasGrad, cols);
    }

    private static void store(@Wide double[] sums, Matrix row, int cols) {
        if (row != null) {
            double[] values = data(row);
            for (int j = 0; j < cols; j++) {
                values[j] = (@Round double) sums[j];
            }
        }
    }

    @Override
    void gelu(boolean tanhApproximation, Matrix x, Matrix out) {
        SequenceKernels64.gelu(tanhApproximation, data(x), x.size(), data(out));
    }

    @Override
    void geluBackward(boolean tanhApproximation, Matrix x, Matrix grad, Matrix out) {
        SequenceKernels64.geluBackward(tanhApproximation, data(x), data(grad), x.size(), data(out));
    }

    @Override
    void attention(Matrix qkv, int steps, int heads, int[] lengths, Matrix dropMask, Matrix probs, Matrix context) {
        int n = qkv.rows() / steps;
        int width = qkv.cols() / 3;
        double[] q = data(qkv);
        double[] mask = dropMask == null ? null : data(dropMask);
        double[] p = data(probs);
        double[] c = data(context);
        long flops = 2L * qkv.rows() * steps * width;
        ensureWork(steps);
        split(n, flops, (part, from, to) -> SequenceKernels64.attention(q, steps, heads, width, lengths, mask, from, to, p,
                c, work[part]));
    }

    @Override
    void attentionBackward(Matrix grad, Matrix qkv, int steps, int heads, int[] lengths, Matrix dropMask,
            Matrix probs, Matrix qkvGrad) {
        int n = qkv.rows() / steps;
        int width = qkv.cols() / 3;
        double[] g = data(grad);
        double[] q = data(qkv);
        double[] mask = dropMask == null ? null : data(dropMask);
        double[] p = data(probs);
        double[] out = data(qkvGrad);
        long flops = 4L * qkv.rows() * steps * width;
        ensureWork(steps * steps);
        split(n, flops, (part, from, to) -> SequenceKernels64.attentionBackward(g, q, steps, heads, width, lengths, mask, p,
                from, to, out, work[part]));
    }

    private void ensureWork(int length) {
        for (int i = 0; i < work.length; i++) {
            if (work[i].length < length) {
                work[i] = new @Wide double[length];
            }
        }
    }
}
