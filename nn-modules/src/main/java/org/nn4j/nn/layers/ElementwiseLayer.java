package org.nn4j.nn.layers;

import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Buffers;
import org.nn4j.nn.Module;
import org.nn4j.nn.Pass;
import org.nn4j.nn.Shape;

/**
 * A layer without parameters that maps each value on its own, {@code y = f(x)}: any input shape, the
 * output of the same. A subclass says how to compute {@code f} and the gradient; this class keeps the
 * buffers (made once per batch size) and what the backward pass needs.
 */
public abstract class ElementwiseLayer extends Module {
    /** The backend the layer computes on. */
    protected final Backend backend;
    private final Buffers outputs;
    private final Buffers inputGrads;
    private Matrix input;
    private Matrix output;

    /** A layer on {@code backend}. */
    protected ElementwiseLayer(Backend backend) {
        this.backend = backend;
        this.outputs = new Buffers(backend);
        this.inputGrads = new Buffers(backend);
    }

    /** {@code out = f(x)}; {@code out} is a buffer of {@code x}'s shape. */
    protected abstract void apply(Matrix x, Matrix out);

    /** {@code out = grad * f'(x)}, given also {@code y = f(x)}; {@code out} is a buffer of their shape. */
    protected abstract void applyBackward(Matrix x, Matrix y, Matrix grad, Matrix out);

    @Override
    public final Matrix forward(Matrix x, Pass pass) {
        Matrix out = outputFor(x);
        apply(x, out);
        return out;
    }

    /**
     * The output buffer for input {@code x}, remembering both for the backward pass: also for a layer
     * that computes {@code f} itself (see {@link Linear#forwardActivated}).
     */
    public final Matrix outputFor(Matrix x) {
        input = x;
        output = outputs.get(x.dtype(), x.rows(), x.cols());
        return output;
    }

    @Override
    public final Matrix backward(Matrix grad, boolean inputGradient) {
        if (!inputGradient) {
            return null;
        }
        Matrix inputGrad = inputGrads.get(grad.dtype(), grad.rows(), grad.cols());
        applyBackward(input, output, grad, inputGrad);
        return inputGrad;
    }

    @Override
    public final Shape outputShape(Shape in) {
        return in;
    }
}
