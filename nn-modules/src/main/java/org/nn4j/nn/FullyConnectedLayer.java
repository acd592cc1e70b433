package org.nn4j.nn;

import java.util.Random;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;

/**
 * An affine layer {@code y = x W + b}: {@code x} is {@code n x in}, {@code W} is {@code in x out},
 * {@code b} is {@code 1 x out} (added to every row), {@code y} is {@code n x out}. A layer made
 * without a bias computes {@code y = x W}.
 */
public final class FullyConnectedLayer {
    private final Backend backend;
    private final Matrix weights;
    private final Matrix bias;

    /** A layer with zero weights and bias; see {@link #initialize}. */
    public FullyConnectedLayer(Backend backend, DType dtype, int inputSize, int outputSize) {
        this(backend, dtype, inputSize, outputSize, true);
    }

    /** A layer with zero weights and, if {@code withBias}, a zero bias; see {@link #initialize}. */
    public FullyConnectedLayer(Backend backend, DType dtype, int inputSize, int outputSize, boolean withBias) {
        this.backend = backend;
        this.weights = backend.zeros(dtype, inputSize, outputSize);
        this.bias = withBias ? backend.zeros(dtype, 1, outputSize) : null;
    }

    /** The inputs: rows of {@code W}. */
    public int inputSize() {
        return weights.rows();
    }

    /** The outputs: columns of {@code W}. */
    public int outputSize() {
        return weights.cols();
    }

    /** The {@code in x out} weights, owned by this layer: write them with {@link Backend#copyIn}. */
    public Matrix weights() {
        return weights;
    }

    /** The {@code 1 x out} bias, owned by this layer; null for a layer without one. */
    public Matrix bias() {
        return bias;
    }

    /** Draws the weights from {@code init} and zeroes the bias. */
    public void initialize(WeightInit init, Random random) {
        backend.copyIn(init.sample(inputSize(), outputSize(), random), weights);
        if (bias != null) {
            backend.fill(bias, 0);
        }
    }

    /** {@code x W + b} in a new {@code n x out} matrix. */
    public Matrix forward(Matrix x) {
        Matrix out = backend.zeros(weights.dtype(), x.rows(), outputSize());
        forward(x, out);
        return out;
    }

    /** {@code out = x W + b}; {@code out} is {@code n x out}. */
    public void forward(Matrix x, Matrix out) {
        backend.gemm(false, false, 1, x, weights, 0, out);
        if (bias != null) {
            backend.addRowVector(out, bias, out);
        }
    }

    /**
     * {@code preActivation = x W + b} and {@code out = f(preActivation)}, both {@code n x out}: the
     * bias and the activation in one pass ({@link Backend#biasActivation}).
     */
    public void forward(Matrix x, ActivationKind activation, Matrix preActivation, Matrix out) {
        backend.gemm(false, false, 1, x, weights, 0, preActivation);
        if (bias != null) {
            backend.biasActivation(activation, preActivation, bias, out);
        } else {
            backend.activation(activation, preActivation, out);
        }
    }

    /** The gradients for input {@code x} and upstream gradient {@code grad} ({@code n x out}), in new matrices. */
    public LayerGradients backward(Matrix x, Matrix grad) {
        DType dtype = weights.dtype();
        LayerGradients gradients = new LayerGradients(backend.zeros(dtype, x.rows(), inputSize()),
                backend.zeros(dtype, inputSize(), outputSize()),
                bias != null ? backend.zeros(dtype, 1, outputSize()) : null);
        backward(x, grad, gradients.input(), gradients.weights(), gradients.bias());
        return gradients;
    }

    /**
     * Writes {@code dL/dx = grad W^T} (skipped when {@code inputGrad} is null), {@code dL/dW = x^T
     * grad} and {@code dL/db = column sums of grad}: the bias is added to every row, so its gradient
     * sums over the batch. Without a bias, {@code biasGrad} is ignored.
     */
    public void backward(Matrix x, Matrix grad, Matrix inputGrad, Matrix weightGrad, Matrix biasGrad) {
        if (inputGrad != null) {
            backend.gemm(false, true, 1, grad, weights, 0, inputGrad);
        }
        backend.gemm(true, false, 1, x, grad, 0, weightGrad);
        if (bias != null) {
            backend.columnSums(grad, biasGrad);
        }
    }
}
