package org.nn4j.nn.layers;

import java.util.List;
import java.util.Map;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Module;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/**
 * {@code torch.nn.GELU}: {@code x Phi(x)}, {@code Phi} the standard normal's distribution function, or
 * with {@code approximate='tanh'} {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}; element-wise,
 * any shape ({@link Backend#gelu}).
 */
public final class Gelu extends ElementwiseLayer {
    private static final List<String> FORMS = List.of("none", "tanh");

    private final boolean tanh;

    /** The exact GELU, as PyTorch's {@code GELU()}. */
    public Gelu(Backend backend) {
        this(backend, false);
    }

    /** The GELU, its tanh approximation when {@code tanhApproximation} ({@code GELU(approximate='tanh')}). */
    public Gelu(Backend backend, boolean tanhApproximation) {
        super(backend);
        this.tanh = tanhApproximation;
    }

    /** Whether this is the tanh approximation. */
    public boolean tanhApproximation() {
        return tanh;
    }

    @Override
    protected void apply(Matrix x, Matrix out) {
        backend.gelu(tanh, x, out);
    }

    @Override
    protected void applyBackward(Matrix x, Matrix y, Matrix grad, Matrix out) {
        backend.geluBackward(tanh, x, grad, out);
    }

    @Override
    public String toString() {
        return "GELU(approximate='" + (tanh ? "tanh" : "none") + "')";
    }

    /** The layer type {@code gelu}. */
    public static final class Type implements LayerType {
        @Override
        public String name() {
            return "gelu";
        }

        @Override
        public String description() {
            return "x * Phi(x), element-wise, or its tanh approximation (torch.nn.GELU)";
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of(HyperParameter.choice("approximate", "none", FORMS,
                    "none: the exact form (erf); tanh: the tanh approximation"));
        }

        @Override
        public Module create(LayerConfig config) {
            return new Gelu(config.backend(), config.string("approximate").equals("tanh"));
        }

        @Override
        public Map<String, Object> write(Module module) {
            if (!(module instanceof Gelu gelu)) {
                return null;
            }
            return gelu.tanhApproximation() ? Map.of("approximate", "tanh") : Map.of();
        }
    }
}
