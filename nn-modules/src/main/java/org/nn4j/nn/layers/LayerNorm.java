package org.nn4j.nn.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Buffers;
import org.nn4j.nn.Initialization;
import org.nn4j.nn.Module;
import org.nn4j.nn.Parameter;
import org.nn4j.nn.Pass;
import org.nn4j.nn.Shape;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/**
 * {@code torch.nn.LayerNorm} over the last dimension: each step's {@code F} values (the {@code F} of
 * {@code [T, F]}, or of any shape's last dimension) normalised by their own mean and biased variance,
 * {@code y = (x - mean) / sqrt(var + eps) * weight + bias}; the same in training and evaluation. {@code
 * weight} ({@code [F]}, starting at 1) and {@code bias} ({@code [F]}, at 0) exist with {@code
 * elementwise_affine}. A batch {@code n x (T * F)} is one {@link Backend#layerNorm} over its {@code (n * T) x
 * F} view.
 */
public final class LayerNorm extends Module {
    /** PyTorch's default {@code eps}. */
    static final double DEFAULT_EPS = 1e-5;

    private final Backend backend;
    private final DType dtype;
    private final int features;
    private final double eps;
    private final List<Parameter> parameters;
    private final Buffers outputs;
    private final Buffers inputGrads;
    private final Buffers means;
    private final Buffers rstds;
    private final Views views;
    private Matrix input;
    private Matrix mean;
    private Matrix rstd;

    /** Layer normalisation of {@code features} values, as PyTorch's {@code LayerNorm(features)}. */
    public LayerNorm(Backend backend, DType dtype, int features) {
        this(backend, dtype, features, DEFAULT_EPS, true);
    }

    /** As PyTorch's {@code LayerNorm(features, eps, elementwise_affine)}. */
    public LayerNorm(Backend backend, DType dtype, int features, double eps, boolean elementwiseAffine) {
        if (!(eps > 0)) {
            throw new IllegalArgumentException("layernorm needs eps > 0, not " + eps);
        }
        this.backend = backend;
        this.dtype = dtype;
        this.features = features;
        this.eps = eps;
        if (elementwiseAffine) {
            parameters = Parameter.affine(backend, dtype, features);
        } else {
            parameters = List.of();
        }
        outputs = new Buffers(backend);
        inputGrads = new Buffers(backend);
        means = new Buffers(backend);
        rstds = new Buffers(backend);
        views = new Views(backend);
    }

    /** The values normalised together: the last dimension. */
    public int features() {
        return features;
    }

    /** Added to the variance. */
    public double eps() {
        return eps;
    }

    /** Whether it learns a weight and bias per value. */
    public boolean elementwiseAffine() {
        return !parameters.isEmpty();
    }

    private Matrix weight() {
        return parameters.isEmpty() ? null : parameters.get(0).value();
    }

    @Override
    public Matrix forward(Matrix x, Pass pass) {
        int rows = x.size() / features;
        Matrix out = outputs.get(dtype, x.rows(), x.cols());
        mean = means.get(dtype, rows, 1);
        rstd = rstds.get(dtype, rows, 1);
        backend.layerNorm(views.of(x, rows, features), weight(), parameters.isEmpty() ? null : parameters.get(1).value(),
                eps, views.of(out, rows, features), mean, rstd);
        input = x;
        return out;
    }

    @Override
    public Matrix backward(Matrix grad, boolean inputGradient) {
        int rows = grad.size() / features;
        // The input gradient is needed for the statistics' part anyway; it is cheap next to the sums.
        Matrix inputGrad = inputGrads.get(dtype, grad.rows(), grad.cols());
        backend.layerNormBackward(views.of(grad, rows, features), views.of(input, rows, features), weight(), mean,
                rstd, views.of(inputGrad, rows, features), parameters.isEmpty() ? null : parameters.get(0).grad(),
                parameters.isEmpty() ? null : parameters.get(1).grad());
        return inputGradient ? inputGrad : null;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.dims().get(in.rank() - 1) != features) {
            throw new IllegalArgumentException("layernorm of " + features + " values takes input whose last dimension"
                    + " is " + features + ", not " + in);
        }
        return in;
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    /** Resets the weight to 1 and the bias to 0; draws nothing. */
    @Override
    public void initialize(Initialization init) {
        if (!parameters.isEmpty()) {
            backend.fill(parameters.get(0).value(), 1);
            backend.fill(parameters.get(1).value(), 0);
        }
    }

    @Override
    public String toString() {
        return "LayerNorm((" + features + ",), eps=" + eps + ", elementwise_affine=" + elementwiseAffine() + ")";
    }

    /** The layer type {@code layernorm}. */
    public static final class Type implements LayerType {
        @Override
        public String name() {
            return "layernorm";
        }

        @Override
        public String description() {
            return "normalises the last dimension of each example by its own mean and variance (torch.nn.LayerNorm)";
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of(
                    HyperParameter.optionalInteger("normalized_shape", 1,
                            "values normalised together: the input's last dimension; inferred"),
                    HyperParameter.number("eps", DEFAULT_EPS, 0, false, Double.NaN, false, "added to the variance"),
                    HyperParameter.bool("elementwise_affine", true, "whether to learn a weight and bias per value"));
        }

        @Override
        public Module create(LayerConfig config) {
            Shape in = config.input();
            int last = in.dims().get(in.rank() - 1);
            if (config.has("normalized_shape") && config.integer("normalized_shape") != last) {
                throw config.error("normalized_shape", "is " + config.integer("normalized_shape")
                        + " but the last dimension of its input " + in + " is " + last);
            }
            boolean affine = config.bool("elementwise_affine");
            config.reserve(affine ? 2L * last : 0);
            return new LayerNorm(config.backend(), config.dtype(), last, config.number("eps"), affine);
        }

        @Override
        public Map<String, Object> write(Module module) {
            if (!(module instanceof LayerNorm norm)) {
                return null;
            }
            Map<String, Object> values = new LinkedHashMap<>();
            if (norm.eps() != DEFAULT_EPS) {
                values.put("eps", norm.eps());
            }
            if (!norm.elementwiseAffine()) {
                values.put("elementwise_affine", false);
            }
            return values;
        }
    }
}
