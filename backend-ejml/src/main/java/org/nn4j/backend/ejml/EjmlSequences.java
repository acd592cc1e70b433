package org.nn4j.backend.ejml;

import org.nn4j.api.Matrix;
import org.nn4j.backend.host.WorkerPool;

/**
 * The ejml backend's sequence operations (layer normalisation, GELU, attention) on the matrices of one
 * dtype: {@link EjmlSequences64}, written once, and its float32 twin {@code EjmlSequences32}, generated
 * from it at build time; nn4j-backend-host's loops on the matrices' own arrays, attention split by examples
 * across the backend's pool. Each method is the {@link org.nn4j.api.Backend} operation of its name, its
 * arguments checked. Not thread-safe: the backend holds its lock, for the pool and the work arrays.
 */
abstract class EjmlSequences {
    /** The backend's worker threads. */
    final WorkerPool pool;

    EjmlSequences(WorkerPool pool) {
        this.pool = pool;
    }

    abstract void layerNorm(Matrix x, Matrix weight, Matrix bias, double eps, Matrix out, Matrix mean, Matrix rstd);

    abstract void layerNormBackward(Matrix grad, Matrix x, Matrix weight, Matrix mean, Matrix rstd, Matrix inputGrad,
            Matrix weightGrad, Matrix biasGrad);

    abstract void gelu(boolean tanhApproximation, Matrix x, Matrix out);

    abstract void geluBackward(boolean tanhApproximation, Matrix x, Matrix grad, Matrix out);

    abstract void attention(Matrix qkv, int steps, int heads, int[] lengths, Matrix dropMask, Matrix probs,
            Matrix context);

    abstract void attentionBackward(Matrix grad, Matrix qkv, int steps, int heads, int[] lengths, Matrix dropMask,
            Matrix probs, Matrix qkvGrad);
}
