package org.nn4j.onnx;

import java.util.List;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Module;
import org.nn4j.nn.Pass;
import org.nn4j.nn.Shape;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/** A layer type of "another jar" (the tests'): the export knows nothing of it. */
final class Twice extends Module {
    @Override
    public Matrix forward(Matrix x, Pass pass) {
        return x;
    }

    @Override
    public Matrix backward(Matrix grad, boolean inputGradient) {
        return grad;
    }

    @Override
    public Shape outputShape(Shape input) {
        return input;
    }

    /** The layer type {@code twice}. */
    public static final class Type implements LayerType {
        @Override
        public String name() {
            return "twice";
        }

        @Override
        public String description() {
            return "a test layer";
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of();
        }

        @Override
        public Module create(LayerConfig config) {
            return new Twice();
        }
    }
}
