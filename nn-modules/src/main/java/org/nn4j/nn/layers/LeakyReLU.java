package org.nn4j.nn.layers;

import java.util.List;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Buffers;
import org.nn4j.nn.Module;
import org.nn4j.nn.Pass;
import org.nn4j.nn.Shape;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/** {@code torch.nn.LeakyReLU}: {@code x > 0 ? x : negative_slope * x}, element-wise; any shape. */
public final class LeakyReLU extends Module {
    private final Backend backend;
    private final double negativeSlope;
    private final Buffers outputs;
    private final Buffers inputGrads;
    private Matrix input;

    public LeakyReLU(Backend backend, double negativeSlope) {
        this.backend = backend;
        this.negativeSlope = negativeSlope;
        this.outputs = new Buffers(backend);
        this.inputGrads = new Buffers(backend);
    }

    @Override
    public Matrix forward(Matrix x, Pass pass) {
        Matrix out = outputs.get(x.dtype(), x.rows(), x.cols());
        backend.leakyRelu(negativeSlope, x, out);
        input = x;
        return out;
    }

    @Override
    public Matrix backward(Matrix grad, boolean inputGradient) {
        if (!inputGradient) {
            return null;
        }
        Matrix inputGrad = inputGrads.get(grad.dtype(), grad.rows(), grad.cols());
        backend.leakyReluBackward(negativeSlope, input, grad, inputGrad);
        return inputGrad;
    }

    @Override
    public Shape outputShape(Shape in) {
        return in;
    }

    @Override
    public String toString() {
        return "LeakyReLU(" + negativeSlope + ")";
    }

    /** The layer type {@code leaky_relu}. */
    public static final class Type implements LayerType {
        @Override
        public String name() {
            return "leaky_relu";
        }

        @Override
        public String description() {
            return "x if x > 0 else negative_slope * x, element-wise (torch.nn.LeakyReLU)";
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of(HyperParameter.number("negative_slope", 0.01, Double.NaN, false, Double.NaN, false,
                    "the slope for negative inputs"));
        }

        @Override
        public Module create(LayerConfig config) {
            return new LeakyReLU(config.backend(), config.number("negative_slope"));
        }
    }
}
