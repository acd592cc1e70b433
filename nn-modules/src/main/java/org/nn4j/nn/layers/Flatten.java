package org.nn4j.nn.layers;

import java.util.List;
import java.util.Map;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Module;
import org.nn4j.nn.Pass;
import org.nn4j.nn.SequenceMask;
import org.nn4j.nn.Shape;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/**
 * {@code torch.nn.Flatten()}: one example of any shape becomes {@code [size]}. A batch is already one
 * row per example in PyTorch's order, so the values pass through unchanged. A sequence {@code [T, F]}
 * becomes {@code [T * F]}, padded steps included (as in PyTorch); its mask ends here.
 */
public final class Flatten extends Module {

    @Override
    public Matrix forward(Matrix x, Pass pass) {
        return x;
    }

    @Override
    public Matrix backward(Matrix grad, boolean inputGradient) {
        return inputGradient ? grad : null;
    }

    /** A sequence flattened has no steps: the mask ends here. */
    @Override
    public SequenceMask propagateMask(SequenceMask input) {
        return null;
    }

    @Override
    public Shape outputShape(Shape in) {
        return Shape.of(in.size());
    }

    @Override
    public String toString() {
        return "Flatten()";
    }

    /** The layer type {@code flatten}. */
    public static final class Type implements LayerType {
        @Override
        public String name() {
            return "flatten";
        }

        @Override
        public String description() {
            return "one example of any shape to a vector of its values (torch.nn.Flatten)";
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of();
        }

        @Override
        public Module create(LayerConfig config) {
            return new Flatten();
        }

        @Override
        public Map<String, Object> write(Module module) {
            return module instanceof Flatten ? Map.of() : null;
        }
    }
}
