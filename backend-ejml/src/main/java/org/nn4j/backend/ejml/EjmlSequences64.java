package org.nn4j.backend.ejml;

import org.nn4j.api.Matrix;
import org.nn4j.backend.host.AttentionSplit64;
import org.nn4j.backend.host.LayerNormSplit64;
import org.nn4j.backend.host.SequenceKernels64;
import org.nn4j.backend.host.WorkerPool;
import org.nn4j.codegen.Round;
import org.nn4j.codegen.Wide;

/** {@link EjmlSequences} on float64 matrices; {@code EjmlSequences32} is generated from this source at build time. */
final class EjmlSequences64 extends EjmlSequences {
    /** Attention split across the pool, with its work arrays. */
    private final AttentionSplit64 attention;
    /** Layer normalisation split across the pool. */
    private final LayerNormSplit64 layerNorm;
    /** The float64 column sums of the layer normalisation's weight and bias gradients, grown as needed. */
    private @Wide double[] weightSums = new @Wide double[0];
    private @Wide double[] biasSums = new @Wide double[0];

    EjmlSequences64(WorkerPool pool) {
        super(pool);
        this.attention = new AttentionSplit64(pool);
        this.layerNorm = new LayerNormSplit64(pool);
    }

    private static double[] data(Matrix m) {
        return ((EjmlMatrix64) EjmlMatrix.own(m)).matrix.data;
    }

    private static double[] dataOrNull(Matrix m) {
        return m == null ? null : data(m);
    }

    @Override
    void layerNorm(Matrix x, Matrix weight, Matrix bias, @Wide double eps, Matrix out, Matrix mean, Matrix rstd) {
        layerNorm.forward(data(x), dataOrNull(weight), dataOrNull(bias), eps, x.rows(), x.cols(), data(out), data(mean),
                data(rstd));
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
        layerNorm.backward(data(grad), data(x), dataOrNull(weight), data(mean), data(rstd), x.rows(), cols,
                data(inputGrad), weightGrad == null ? null : weightSums, biasGrad == null ? null : biasSums);
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
        attention.forward(data(qkv), qkv.rows() / steps, steps, heads, qkv.cols() / 3, lengths, dataOrNull(dropMask),
                data(probs), data(context));
    }

    @Override
    void attentionBackward(Matrix grad, Matrix qkv, int steps, int heads, int[] lengths, Matrix dropMask,
            Matrix probs, Matrix qkvGrad) {
        attention.backward(data(grad), data(qkv), qkv.rows() / steps, steps, heads, qkv.cols() / 3, lengths,
                dataOrNull(dropMask), data(probs), data(qkvGrad));
    }
}
