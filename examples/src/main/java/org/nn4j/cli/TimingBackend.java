package org.nn4j.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.api.Operation;
import org.nn4j.api.RecurrentCell;
import org.nn4j.api.StepPooling;
import org.nn4j.api.Window2d;

/**
 * A backend that times every operation of the backend it wraps, for {@code nn bench}: how the time of a
 * training step divides between GEMM and everything else. One thread at a time: its timings are one
 * map.
 */
final class TimingBackend implements Backend {
    private final Backend inner;
    private final Map<String, long[]> nanos = new LinkedHashMap<>();

    /** Times every operation of {@code inner}, which does the work. */
    TimingBackend(Backend inner) {
        this.inner = inner;
    }

    /** Nanoseconds spent per operation name since the last {@link #reset()}. */
    Map<String, Long> totals() {
        Map<String, Long> totals = new LinkedHashMap<>();
        nanos.forEach((op, t) -> totals.put(op, t[0]));
        return Collections.unmodifiableMap(totals);
    }

    /** Forgets the times so far. */
    void reset() {
        nanos.clear();
    }

    private long start() {
        return System.nanoTime();
    }

    private void stop(String op, long start) {
        nanos.computeIfAbsent(op, k -> new long[1])[0] += System.nanoTime() - start;
    }

    @Override
    public String name() {
        return inner.name();
    }

    /** The wrapped backend's: timing changes where nothing runs. */
    @Override
    public Set<Operation> nativeOperations() {
        return inner.nativeOperations();
    }

    @Override
    public Matrix zeros(DType dtype, int rows, int cols) {
        long t = start();
        Matrix m = inner.zeros(dtype, rows, cols);
        stop("zeros", t);
        return m;
    }

    @Override
    public void copyIn(double[] rowMajor, Matrix dst) {
        long t = start();
        inner.copyIn(rowMajor, dst);
        stop("copyIn", t);
    }

    @Override
    public void copyIn(float[] rowMajor, Matrix dst) {
        long t = start();
        inner.copyIn(rowMajor, dst);
        stop("copyIn", t);
    }

    @Override
    public void copyOut(Matrix src, double[] rowMajor) {
        long t = start();
        inner.copyOut(src, rowMajor);
        stop("copyOut", t);
    }

    @Override
    public void copyOut(Matrix src, float[] rowMajor) {
        long t = start();
        inner.copyOut(src, rowMajor);
        stop("copyOut", t);
    }

    @Override
    public Matrix reshape(Matrix m, int rows, int cols) {
        return inner.reshape(m, rows, cols);
    }

    @Override
    public void copy(Matrix src, Matrix dst) {
        long t = start();
        inner.copy(src, dst);
        stop("copy", t);
    }

    @Override
    public void gatherRows(Matrix table, int[] ids, Matrix out) {
        long t = start();
        inner.gatherRows(table, ids, out);
        stop("gatherRows", t);
    }

    @Override
    public void scatterAddRows(Matrix rows, int[] ids, int skip, Matrix tableGrad) {
        long t = start();
        inner.scatterAddRows(rows, ids, skip, tableGrad);
        stop("scatterAddRows", t);
    }

    @Override
    public void poolSteps(StepPooling mode, Matrix x, int steps, int[] lengths, Matrix out, int[] from) {
        long t = start();
        inner.poolSteps(mode, x, steps, lengths, out, from);
        stop("poolSteps", t);
    }

    @Override
    public void poolStepsBackward(StepPooling mode, Matrix grad, int steps, int[] lengths, int[] from, Matrix out) {
        long t = start();
        inner.poolStepsBackward(mode, grad, steps, lengths, from, out);
        stop("poolStepsBackward", t);
    }

    @Override
    public void fill(Matrix dst, double value) {
        long t = start();
        inner.fill(dst, value);
        stop("fill", t);
    }

    @Override
    public void gemm(boolean transposeA, boolean transposeB, double alpha, Matrix a, Matrix b, double beta,
            Matrix c) {
        long t = start();
        inner.gemm(transposeA, transposeB, alpha, a, b, beta, c);
        stop("gemm", t);
    }

    @Override
    public void addRowVector(Matrix a, Matrix row, Matrix out) {
        long t = start();
        inner.addRowVector(a, row, out);
        stop("addRowVector", t);
    }

    @Override
    public void columnSums(Matrix a, Matrix out) {
        long t = start();
        inner.columnSums(a, out);
        stop("columnSums", t);
    }

    @Override
    public void axpby(double alpha, Matrix a, double beta, Matrix b, Matrix out) {
        long t = start();
        inner.axpby(alpha, a, beta, b, out);
        stop("axpby", t);
    }

    @Override
    public void scale(double alpha, Matrix a, Matrix out) {
        long t = start();
        inner.scale(alpha, a, out);
        stop("scale", t);
    }

    @Override
    public void multiply(Matrix a, Matrix b, Matrix out) {
        long t = start();
        inner.multiply(a, b, out);
        stop("multiply", t);
    }

    @Override
    public void activation(ActivationKind kind, Matrix x, Matrix out) {
        long t = start();
        inner.activation(kind, x, out);
        stop("activation", t);
    }

    @Override
    public void biasActivation(ActivationKind kind, Matrix z, Matrix bias, Matrix out) {
        long t = System.nanoTime();
        inner.biasActivation(kind, z, bias, out);
        stop("biasActivation", t);
    }

    @Override
    public void leakyRelu(double negativeSlope, Matrix x, Matrix out) {
        long t = start();
        inner.leakyRelu(negativeSlope, x, out);
        stop("leakyRelu", t);
    }

    @Override
    public void leakyReluBackward(double negativeSlope, Matrix x, Matrix grad, Matrix out) {
        long t = start();
        inner.leakyReluBackward(negativeSlope, x, grad, out);
        stop("leakyReluBackward", t);
    }

    @Override
    public void multiplyRowVector(Matrix a, Matrix row, Matrix out) {
        long t = start();
        inner.multiplyRowVector(a, row, out);
        stop("multiplyRowVector", t);
    }

    @Override
    public void im2col(Matrix x, Window2d w, Matrix out) {
        long t = start();
        inner.im2col(x, w, out);
        stop("im2col", t);
    }

    @Override
    public void col2im(Matrix cols, Window2d w, Matrix out) {
        long t = start();
        inner.col2im(cols, w, out);
        stop("col2im", t);
    }

    @Override
    public void transposeBlocks(Matrix a, int blocks, int rows, int cols, Matrix out) {
        long t = start();
        inner.transposeBlocks(a, blocks, rows, cols, out);
        stop("transposeBlocks", t);
    }

    @Override
    public void recurrentForward(RecurrentCell cell, Matrix projections, Matrix weightHh, Matrix biasHh, int[] lengths,
            boolean reverse, Matrix out, Matrix cache) {
        long t = start();
        inner.recurrentForward(cell, projections, weightHh, biasHh, lengths, reverse, out, cache);
        stop("recurrentForward", t);
    }

    @Override
    public void recurrentBackward(RecurrentCell cell, Matrix weightHh, int[] lengths, boolean reverse, Matrix out,
            Matrix cache, Matrix outGrad, Matrix projectionsGrad, Matrix weightHhGrad, Matrix biasHhGrad) {
        long t = start();
        inner.recurrentBackward(cell, weightHh, lengths, reverse, out, cache, outGrad, projectionsGrad, weightHhGrad,
                biasHhGrad);
        stop("recurrentBackward", t);
    }

    @Override
    public void conv2d(Matrix x, Window2d w, Matrix weight, Matrix bias, Matrix out) {
        long t = start();
        inner.conv2d(x, w, weight, bias, out);
        stop("conv2d", t);
    }

    @Override
    public void conv2dBackward(Matrix grad, Matrix x, Window2d w, Matrix weight, Matrix weightGrad, Matrix biasGrad,
            Matrix inputGrad) {
        long t = start();
        inner.conv2dBackward(grad, x, w, weight, weightGrad, biasGrad, inputGrad);
        stop("conv2dBackward", t);
    }

    @Override
    public void maxPool2d(Matrix x, Window2d w, Matrix out, Matrix argmax) {
        long t = start();
        inner.maxPool2d(x, w, out, argmax);
        stop("maxPool2d", t);
    }

    @Override
    public void maxPool2dBackward(Matrix grad, Matrix argmax, Window2d w, Matrix out) {
        long t = start();
        inner.maxPool2dBackward(grad, argmax, w, out);
        stop("maxPool2dBackward", t);
    }

    @Override
    public void avgPool2d(Matrix x, Window2d w, Matrix out) {
        long t = start();
        inner.avgPool2d(x, w, out);
        stop("avgPool2d", t);
    }

    @Override
    public void avgPool2dBackward(Matrix grad, Window2d w, Matrix out) {
        long t = start();
        inner.avgPool2dBackward(grad, w, out);
        stop("avgPool2dBackward", t);
    }

    @Override
    public void activationBackward(ActivationKind kind, Matrix x, Matrix y, Matrix grad, Matrix out) {
        long t = start();
        inner.activationBackward(kind, x, y, grad, out);
        stop("activationBackward", t);
    }

    @Override
    public void adamUpdate(Matrix param, Matrix grad, Matrix m, Matrix v, double beta1, double beta2, double stepSize,
            double vScale, double epsilon) {
        long t = start();
        inner.adamUpdate(param, grad, m, v, beta1, beta2, stepSize, vScale, epsilon);
        stop("adamUpdate", t);
    }

    @Override
    public void momentumUpdate(Matrix param, Matrix grad, Matrix velocity, double momentum, double learningRate,
            boolean nesterov) {
        long t = System.nanoTime();
        inner.momentumUpdate(param, grad, velocity, momentum, learningRate, nesterov);
        stop("momentumUpdate", t);
    }

    @Override
    public void softmaxRows(Matrix x, Matrix out) {
        long t = start();
        inner.softmaxRows(x, out);
        stop("softmaxRows", t);
    }

    @Override
    public double softmaxCrossEntropy(Matrix logits, Matrix target, Matrix gradOut) {
        long t = start();
        double loss = inner.softmaxCrossEntropy(logits, target, gradOut);
        stop("softmaxCrossEntropy", t);
        return loss;
    }

    @Override
    public void logSumExpRows(Matrix x, Matrix out) {
        long t = start();
        inner.logSumExpRows(x, out);
        stop("logSumExpRows", t);
    }

    @Override
    public void argmaxRows(Matrix x, int[] out) {
        long t = start();
        inner.argmaxRows(x, out);
        stop("argmaxRows", t);
    }

    @Override
    public double sum(Matrix a) {
        long t = start();
        double s = inner.sum(a);
        stop("sum", t);
        return s;
    }

    @Override
    public double dot(Matrix a, Matrix b) {
        long t = start();
        double s = inner.dot(a, b);
        stop("dot", t);
        return s;
    }

    @Override
    public void layerNorm(Matrix x, Matrix weight, Matrix bias, double eps, Matrix out, Matrix mean, Matrix rstd) {
        long t = start();
        inner.layerNorm(x, weight, bias, eps, out, mean, rstd);
        stop("layerNorm", t);
    }

    @Override
    public void layerNormBackward(Matrix grad, Matrix x, Matrix weight, Matrix mean, Matrix rstd, Matrix inputGrad,
            Matrix weightGrad, Matrix biasGrad) {
        long t = start();
        inner.layerNormBackward(grad, x, weight, mean, rstd, inputGrad, weightGrad, biasGrad);
        stop("layerNormBackward", t);
    }

    @Override
    public void gelu(boolean tanhApproximation, Matrix x, Matrix out) {
        long t = start();
        inner.gelu(tanhApproximation, x, out);
        stop("gelu", t);
    }

    @Override
    public void geluBackward(boolean tanhApproximation, Matrix x, Matrix grad, Matrix out) {
        long t = start();
        inner.geluBackward(tanhApproximation, x, grad, out);
        stop("geluBackward", t);
    }

    @Override
    public void attention(Matrix qkv, int steps, int heads, int[] lengths, Matrix dropMask, Matrix probs,
            Matrix context) {
        long t = start();
        inner.attention(qkv, steps, heads, lengths, dropMask, probs, context);
        stop("attention", t);
    }

    @Override
    public void attentionBackward(Matrix grad, Matrix qkv, int steps, int heads, int[] lengths, Matrix dropMask,
            Matrix probs, Matrix qkvGrad) {
        long t = start();
        inner.attentionBackward(grad, qkv, steps, heads, lengths, dropMask, probs, qkvGrad);
        stop("attentionBackward", t);
    }
}
