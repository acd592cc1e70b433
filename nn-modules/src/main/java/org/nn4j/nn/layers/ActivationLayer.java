package org.nn4j.nn.layers;

import java.util.List;
import java.util.Map;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Module;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/**
 * An element-wise activation the backend computes: {@code sigmoid}, {@code tanh} or {@code relu}
 * ({@code torch.nn.Sigmoid}, {@code Tanh}, {@code ReLU}); any input shape, the output of the same.
 */
public final class ActivationLayer extends ElementwiseLayer {
    private final ActivationKind kind;

    /** The activation {@code kind} as a layer on {@code backend}. */
    public ActivationLayer(Backend backend, ActivationKind kind) {
        super(backend);
        this.kind = kind;
    }

    /** Which function this is. */
    public ActivationKind kind() {
        return kind;
    }

    /** {@code out = f(x)}; {@code out} may be {@code x}. Nothing is kept for a backward pass. */
    @Override
    public void apply(Matrix x, Matrix out) {
        backend.activation(kind, x, out);
    }

    /**
     * {@code out = grad * f'(x)}, given also {@code y = f(x)}; {@code out} may be any of the others.
     */
    @Override
    public void applyBackward(Matrix x, Matrix y, Matrix grad, Matrix out) {
        backend.activationBackward(kind, x, y, grad, out);
    }

    /** The activation's name: {@code sigmoid}, {@code tanh} or {@code relu}. */
    @Override
    public String nonlinearity() {
        return kind.label();
    }

    @Override
    public String toString() {
        return kind.label();
    }

    /** What the three layer types share: no hyper-parameters, one activation each. */
    private abstract static class Kind implements LayerType {
        private final ActivationKind kind;
        private final String description;

        Kind(ActivationKind kind, String description) {
            this.kind = kind;
            this.description = description;
        }

        @Override
        public String name() {
            return kind.label();
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of();
        }

        @Override
        public Module create(LayerConfig config) {
            return new ActivationLayer(config.backend(), kind);
        }

        @Override
        public Map<String, Object> write(Module module) {
            return module instanceof ActivationLayer layer && layer.kind() == kind ? Map.of() : null;
        }
    }

    /** The layer type {@code sigmoid}. */
    public static final class SigmoidType extends Kind {
        /** The {@code sigmoid} layer type. */
        public SigmoidType() {
            super(ActivationKind.SIGMOID, "1 / (1 + exp(-x)), element-wise (torch.nn.Sigmoid)");
        }
    }

    /** The layer type {@code tanh}. */
    public static final class TanhType extends Kind {
        /** The {@code tanh} layer type. */
        public TanhType() {
            super(ActivationKind.TANH, "tanh(x), element-wise (torch.nn.Tanh)");
        }
    }

    /** The layer type {@code relu}. */
    public static final class ReLUType extends Kind {
        /** The {@code relu} layer type. */
        public ReLUType() {
            super(ActivationKind.RELU, "max(x, 0), element-wise (torch.nn.ReLU)");
        }
    }
}
