package org.nn4j.backend.nd4j;

import org.nn4j.api.Matrix;
import org.nn4j.api.StepPooling;
import org.nn4j.backend.host.WorkerPool;

/**
 * The sequence operations of both ND4J paths (pooling over steps, layer normalisation, GELU, attention) on the matrices of
 * one dtype: {@link Nd4jSequences64}, written once, and its float32 twin {@code Nd4jSequences32}, generated
 * from it at build time. Each copies its operands into Java arrays of the element type kept between calls
 * (on nd4j-native one bulk copy of host memory, on a device a transfer), runs nn4j-backend-host's loops
 * and copies its results back. Each method is the {@link org.nn4j.api.Backend} operation of its name, its
 * arguments checked; not thread-safe, like the backend, which holds its lock.
 */
abstract class Nd4jSequences {
    /** The backend whose transfers these use. */
    final Nd4jBackend backend;

    Nd4jSequences(Nd4jBackend backend) {
        this.backend = backend;
    }

    /** Splits attention by examples across {@code pool}'s threads from now on (the host path's). */
    abstract void splitOn(WorkerPool pool);

    abstract void poolSteps(StepPooling mode, Matrix x, int steps, int[] lengths, Matrix out, int[] from);

    abstract void poolStepsBackward(StepPooling mode, Matrix grad, int steps, int[] lengths, int[] from, Matrix out);

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
