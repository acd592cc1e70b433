package org.nn4j.backend.ejml;

import org.nn4j.api.ActivationKind;
import org.nn4j.api.Matrix;
import org.nn4j.api.RecurrentCell;
import org.nn4j.api.Window2d;
import org.nn4j.backend.host.WorkerPool;

/**
 * The ejml backend's operations on the matrices of one dtype: {@link EjmlOps64}, written once, and its
 * float32 twin {@code EjmlOps32}, generated from it at build time. {@link EjmlBackend} checks every call's
 * arguments and picks its dtype's operations; these only compute, on the matrices' own arrays. Each
 * method is the {@link org.nn4j.api.Backend} operation of its name, its arguments checked; the image
 * operations also take the window's index table. Not thread-safe: the backend holds its lock where they
 * use its worker pool or their work arrays.
 */
abstract class EjmlOps {
    /** Image operations on fewer values run on the calling thread: a split costs tens of microseconds. */
    private static final long SPLIT_IMAGE_VALUES = 1 << 16;

    /** The backend's worker threads. */
    final WorkerPool pool;

    EjmlOps(WorkerPool pool) {
        this.pool = pool;
    }

    /** Runs {@code range} over {@code n} examples, split across the pool when they touch many values. */
    final void split(int n, long values, WorkerPool.Range range) {
        if (values < SPLIT_IMAGE_VALUES) {
            range.run(0, n);
        } else {
            pool.split(n, range);
        }
    }

    abstract Matrix zeros(int rows, int cols);

    abstract void copyIn(double[] values, Matrix dst);

    abstract void copyIn(float[] values, Matrix dst);

    abstract void copyOut(Matrix src, double[] values);

    abstract void copyOut(Matrix src, float[] values);

    /** The same array seen as {@code rows x cols}. */
    abstract Matrix reshape(Matrix m, int rows, int cols);

    abstract void copy(Matrix src, Matrix dst);

    /** {@link org.nn4j.api.Backend#gatherRows}, shapes checked. */
    abstract void gatherRows(Matrix table, int[] ids, Matrix out);

    /** {@link org.nn4j.api.Backend#scatterAddRows}, shapes checked. */
    abstract void scatterAddRows(Matrix rows, int[] ids, int skip, Matrix tableGrad);

    /** {@link org.nn4j.api.Backend#poolSteps}, shapes checked. */
    abstract void poolSteps(org.nn4j.api.StepPooling mode, Matrix x, int steps, int[] lengths, Matrix out, int[] from);

    /** {@link org.nn4j.api.Backend#poolStepsBackward}, shapes checked. */
    abstract void poolStepsBackward(org.nn4j.api.StepPooling mode, Matrix grad, int steps, int[] lengths, int[] from,
            Matrix out);

    abstract void fill(Matrix dst, double value);

    /** {@code alpha != 0}: the backend does {@code alpha == 0} itself. */
    abstract void gemm(boolean transposeA, boolean transposeB, double alpha, Matrix a, Matrix b, double beta,
            Matrix c);

    /** {@link org.nn4j.api.Backend#recurrentForward}, its arguments checked; {@code steps} is T. */
    abstract void recurrentForward(RecurrentCell cell, Matrix projections, Matrix weightHh, Matrix biasHh,
            int[] lengths, boolean reverse, int steps, Matrix out, Matrix cache);

    /** {@link org.nn4j.api.Backend#recurrentBackward}, its arguments checked; {@code steps} is T. */
    abstract void recurrentBackward(RecurrentCell cell, Matrix weightHh, int[] lengths, boolean reverse, int steps,
            Matrix out, Matrix cache, Matrix outGrad, Matrix projectionsGrad, Matrix weightHhGrad, Matrix biasHhGrad);

    abstract void addRowVector(Matrix a, Matrix row, Matrix out);

    abstract void columnSums(Matrix a, Matrix out);

    abstract void axpby(double alpha, Matrix a, double beta, Matrix b, Matrix out);

    abstract void scale(double alpha, Matrix a, Matrix out);

    abstract void multiply(Matrix a, Matrix b, Matrix out);

    abstract void activation(ActivationKind kind, Matrix x, Matrix out);

    abstract void biasActivation(ActivationKind kind, Matrix z, Matrix bias, Matrix out);

    /** From the activation's output {@code y}, which needs no exp or tanh. */
    abstract void activationBackward(ActivationKind kind, Matrix y, Matrix grad, Matrix out);

    abstract void leakyRelu(double negativeSlope, Matrix x, Matrix out);

    abstract void leakyReluBackward(double negativeSlope, Matrix x, Matrix grad, Matrix out);

    abstract void multiplyRowVector(Matrix a, Matrix row, Matrix out);

    abstract void adamUpdate(Matrix param, Matrix grad, Matrix m, Matrix v, double beta1, double beta2,
            double stepSize, double vScale, double epsilon);

    abstract void momentumUpdate(Matrix param, Matrix grad, Matrix velocity, double momentum, double learningRate,
            boolean nesterov);

    abstract void softmaxRows(Matrix x, Matrix out);

    abstract double softmaxCrossEntropy(Matrix logits, Matrix target, Matrix gradOut);

    abstract void logSumExpRows(Matrix x, Matrix out);

    abstract void argmaxRows(Matrix x, int[] out);

    abstract void im2col(Matrix x, Window2d w, int[] patchIndex, Matrix out);

    abstract void col2im(Matrix cols, Window2d w, int[] patchIndex, Matrix out);

    abstract void transposeBlocks(Matrix a, int blocks, int rows, int cols, Matrix out);

    abstract void maxPool2d(Matrix x, Window2d w, int[] poolIndex, Matrix out, Matrix argmax);

    abstract void maxPool2dBackward(Matrix grad, Matrix argmax, Window2d w, Matrix out);

    abstract void avgPool2d(Matrix x, Window2d w, int[] poolIndex, Matrix out);

    abstract void avgPool2dBackward(Matrix grad, Window2d w, int[] poolIndex, Matrix out);

    abstract double sum(Matrix a);

    abstract double dot(Matrix a, Matrix b);
}
