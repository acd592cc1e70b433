package org.nn4j.seed;

import java.util.Random;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.WeightInit;
import org.nn4j.nn.layers.Linear;

/**
 * An affine layer {@code y = x W + b}: {@code x} is {@code n x in}, {@code W} is {@code in x out},
 * {@code b} is {@code 1 x out} (added to every row), {@code y} is {@code n x out}. A layer made
 * without a bias computes {@code y = x W}. The seed's class over the module {@link Linear}, which
 * holds the weights and computes.
 */
public final class FullyConnectedLayer {
    private final Backend backend;
    private final Linear module;

    /** A layer with zero weights and bias; see {@link #initialize}. */
    public FullyConnectedLayer(Backend backend, DType dtype, int inputSize, int outputSize) {
        this(backend, dtype, inputSize, outputSize, true);
    }

    /** A layer with zero weights and, if {@code withBias}, a zero bias; see {@link #initialize}. */
    public FullyConnectedLayer(Backend backend, DType dtype, int inputSize, int outputSize, boolean withBias) {
        this(backend, new Linear(backend, dtype, inputSize, outputSize, withBias));
    }

    /** The seed's view of {@code module}, which keeps its weights. */
    FullyConnectedLayer(Backend backend, Linear module) {
        this.backend = backend;
        this.module = module;
    }

    /** The inputs: rows of {@code W}. */
    public int inputSize() {
        return module.inFeatures();
    }

    /** The outputs: columns of {@code W}. */
    public int outputSize() {
        return module.outFeatures();
    }

    /** The {@code in x out} weights, owned by this layer: write them with {@link Backend#copyIn}. */
    public Matrix weights() {
        return module.weight().value();
    }

    /** The {@code 1 x out} bias, owned by this layer; null for a layer without one. */
    public Matrix bias() {
        return module.bias() != null ? module.bias().value() : null;
    }

    /** Draws the weights from {@code init} and zeroes the bias. */
    public void initialize(WeightInit init, Random random) {
        module.initialize(init, random);
    }

    /** {@code x W + b} in a new {@code n x out} matrix. */
    public Matrix forward(Matrix x) {
        Matrix out = backend.zeros(weights().dtype(), x.rows(), outputSize());
        forward(x, out);
        return out;
    }

    /** {@code out = x W + b}; {@code out} is {@code n x out}. */
    public void forward(Matrix x, Matrix out) {
        module.forward(x, out);
    }

    /**
     * {@code preActivation = x W + b} and {@code out = f(preActivation)}, both {@code n x out}: the
     * bias and the activation in one pass ({@link Backend#biasActivation}).
     */
    public void forward(Matrix x, ActivationKind activation, Matrix preActivation, Matrix out) {
        module.forward(x, activation, preActivation, out);
    }

    /** The gradients for input {@code x} and upstream gradient {@code grad} ({@code n x out}), in new matrices. */
    public LayerGradients backward(Matrix x, Matrix grad) {
        DType dtype = weights().dtype();
        LayerGradients gradients = new LayerGradients(backend.zeros(dtype, x.rows(), inputSize()),
                backend.zeros(dtype, inputSize(), outputSize()),
                bias() != null ? backend.zeros(dtype, 1, outputSize()) : null);
        backward(x, grad, gradients.input(), gradients.weights(), gradients.bias());
        return gradients;
    }

    /**
     * Writes {@code dL/dx = grad W^T} (skipped when {@code inputGrad} is null), {@code dL/dW = x^T
     * grad} and {@code dL/db = column sums of grad}: the bias is added to every row, so its gradient
     * sums over the batch. Without a bias, {@code biasGrad} is ignored.
     */
    public void backward(Matrix x, Matrix grad, Matrix inputGrad, Matrix weightGrad, Matrix biasGrad) {
        module.backward(x, grad, inputGrad, weightGrad, biasGrad);
    }
}
