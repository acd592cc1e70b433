package org.nn4j.nn.layers;

import java.util.List;
import java.util.Map;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Module;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/** {@code torch.nn.LeakyReLU}: {@code x > 0 ? x : negative_slope * x}, element-wise; any shape. */
public final class LeakyReLU extends ElementwiseLayer {
    /** PyTorch's default slope. */
    public static final double DEFAULT_SLOPE = 0.01;

    private final double negativeSlope;

    /** {@code max(0, x) + 0.01 min(0, x)} on {@code backend}, as PyTorch's {@code LeakyReLU()}. */
    public LeakyReLU(Backend backend) {
        this(backend, DEFAULT_SLOPE);
    }

    /** {@code max(0, x) + negativeSlope min(0, x)} on {@code backend}. */
    public LeakyReLU(Backend backend, double negativeSlope) {
        super(backend);
        this.negativeSlope = negativeSlope;
    }

    @Override
    protected void apply(Matrix x, Matrix out) {
        backend.leakyRelu(negativeSlope, x, out);
    }

    @Override
    protected void applyBackward(Matrix x, Matrix y, Matrix grad, Matrix out) {
        backend.leakyReluBackward(negativeSlope, x, grad, out);
    }

    /** The slope for negative inputs. */
    public double negativeSlope() {
        return negativeSlope;
    }

    /** {@code leaky_relu}. */
    @Override
    public String nonlinearity() {
        return "leaky_relu";
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
            return List.of(HyperParameter.number("negative_slope", DEFAULT_SLOPE, Double.NaN, false, Double.NaN, false,
                    "the slope for negative inputs"));
        }

        @Override
        public Module create(LayerConfig config) {
            return new LeakyReLU(config.backend(), config.number("negative_slope"));
        }

        @Override
        public Map<String, Object> write(Module module) {
            if (!(module instanceof LeakyReLU leaky)) {
                return null;
            }
            return leaky.negativeSlope() == DEFAULT_SLOPE ? Map.of() : Map.of("negative_slope", leaky.negativeSlope());
        }
    }
}
