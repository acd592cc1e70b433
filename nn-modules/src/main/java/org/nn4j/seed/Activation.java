package org.nn4j.seed;

import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.nn.layers.ActivationLayer;

/**
 * An element-wise activation function: {@code n x d} in, {@code n x d} out. The seed's class over the
 * module {@link ActivationLayer}, which computes.
 */
public abstract class Activation {
    private final Backend backend;
    private final ActivationLayer module;

    /** An activation of {@code kind} on {@code backend}. */
    protected Activation(Backend backend, ActivationKind kind) {
        this.backend = backend;
        this.module = new ActivationLayer(backend, kind);
    }

    /** The activation with {@code kind}'s own class: {@link Sigmoid}, {@link Tanh} or {@link ReLU}. */
    public static Activation of(Backend backend, ActivationKind kind) {
        switch (kind) {
            case SIGMOID:
                return new Sigmoid(backend);
            case TANH:
                return new Tanh(backend);
            case RELU:
                return new ReLU(backend);
            default:
                throw new IllegalArgumentException("no activation class for " + kind);
        }
    }

    /** Which function this is. */
    public ActivationKind kind() {
        return module.kind();
    }

    /** {@code f(x)} in a new matrix. */
    public Matrix forward(Matrix x) {
        Matrix out = backend.zeros(x.dtype(), x.rows(), x.cols());
        forward(x, out);
        return out;
    }

    /** {@code out = f(x)}; {@code out} may be {@code x}. */
    public void forward(Matrix x, Matrix out) {
        module.apply(x, out);
    }

    /** {@code grad * f'(x)} in a new matrix, from the input {@code x}, as the assignment's modules do. */
    public Matrix backward(Matrix x, Matrix grad) {
        Matrix y = forward(x);
        backward(x, y, grad, y);
        return y;
    }

    /**
     * {@code out = grad * f'(x)}, given also the output {@code y = f(x)} that the forward pass
     * computed; {@code out} may be any of the others.
     */
    public void backward(Matrix x, Matrix y, Matrix grad, Matrix out) {
        module.applyBackward(x, y, grad, out);
    }

    @Override
    public String toString() {
        return kind().label();
    }
}
