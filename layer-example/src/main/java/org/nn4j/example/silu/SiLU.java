package org.nn4j.example.silu;

import java.util.List;
import java.util.Map;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Buffers;
import org.nn4j.nn.Module;
import org.nn4j.nn.layers.ElementwiseLayer;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/**
 * {@code torch.nn.SiLU}, {@code x * sigmoid(x)}, element-wise: a layer type written outside nn4j, made
 * of Backend SPI operations only, and registered in this jar's {@code
 * META-INF/services/org.nn4j.nn.spec.LayerType}.
 */
public final class SiLU extends ElementwiseLayer {
    private final Buffers sigmoids;
    private final Buffers scratch;
    private Matrix sigmoid;

    public SiLU(Backend backend) {
        super(backend);
        this.sigmoids = new Buffers(backend);
        this.scratch = new Buffers(backend);
    }

    @Override
    protected void apply(Matrix x, Matrix out) {
        sigmoid = sigmoids.get(x.dtype(), x.rows(), x.cols());
        backend.activation(ActivationKind.SIGMOID, x, sigmoid);
        backend.multiply(x, sigmoid, out);
    }

    /** {@code d/dx [x s(x)] = s + x s (1 - s)}. */
    @Override
    protected void applyBackward(Matrix x, Matrix y, Matrix grad, Matrix out) {
        backend.multiply(grad, x, out);
        backend.activationBackward(ActivationKind.SIGMOID, x, sigmoid, out, out);
        Matrix direct = scratch.get(grad.dtype(), grad.rows(), grad.cols());
        backend.multiply(grad, sigmoid, direct);
        backend.axpby(1, out, 1, direct, out);
    }

    @Override
    public String toString() {
        return "SiLU()";
    }

    /** The layer type {@code silu}. */
    public static final class Type implements LayerType {
        @Override
        public String name() {
            return "silu";
        }

        @Override
        public String description() {
            return "x * sigmoid(x), element-wise (torch.nn.SiLU); from nn4j's layer example";
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of();
        }

        @Override
        public Module create(LayerConfig config) {
            return new SiLU(config.backend());
        }

        /** A SiLU has no hyper-parameters: its entry is its type alone. */
        @Override
        public Map<String, Object> write(Module module) {
            return module instanceof SiLU ? Map.of() : null;
        }
    }
}
