package org.nn4j.nn.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Buffers;
import org.nn4j.nn.Initialization;
import org.nn4j.nn.Module;
import org.nn4j.nn.Parameter;
import org.nn4j.nn.Pass;
import org.nn4j.nn.Shape;
import org.nn4j.nn.TensorLayout;
import org.nn4j.nn.WeightInit;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/**
 * {@code torch.nn.Linear}: {@code y = x W + b}, {@code x} is {@code n x in_features}, {@code y} is
 * {@code n x out_features}. nn4j keeps {@code W} as {@code in x out}; its {@code state_dict} tensor
 * {@code weight} is PyTorch's {@code [out_features, in_features]}, {@code bias} is {@code [out_features]}.
 * On an input of any rank it acts on the last dimension, as {@code nn.Linear} does: a sequence {@code [T,
 * in]} becomes {@code [T, out]}, one product over the batch's {@code n * T} steps ({@link
 * Backend#reshape}'s views of the {@code n x (T * in)} batch).
 *
 * <p>Made with {@code new}, the layer has its sizes; its weights are drawn when it is initialised
 * ({@link org.nn4j.nn.Model#of} initialises a model's layers from one seed), by its {@link WeightInit},
 * or by default He when the nearest activation after it (else before it) is a ReLU or leaky ReLU,
 * else Xavier; the bias starts at zero. Until then it refuses to compute.
 */
public final class Linear extends Module {
    private final Backend backend;
    private final Parameter weight;
    private final Parameter bias;
    private final List<Parameter> parameters;
    private final WeightInit init;
    private final Buffers outputs;
    private final Buffers inputGrads;
    private final StepViews inputViews;
    private final StepViews outputViews;
    private final StepViews gradViews;
    private final StepViews inputGradViews;
    private boolean initialized;
    private Matrix input;

    /** {@code y = x W^T + b}, as PyTorch's {@code Linear(in_features, out_features)}. */
    public Linear(Backend backend, DType dtype, int inFeatures, int outFeatures) {
        this(backend, dtype, inFeatures, outFeatures, true);
    }

    /** {@code y = x W^T + b}, as PyTorch's {@code Linear(in_features, out_features, bias)}. */
    public Linear(Backend backend, DType dtype, int inFeatures, int outFeatures, boolean bias) {
        this(backend, dtype, inFeatures, outFeatures, bias, null);
    }

    /**
     * As {@link #Linear(Backend, DType, int, int, boolean)}, its weights drawn by {@code init} (null:
     * by the activation beside it, as described above).
     */
    public Linear(Backend backend, DType dtype, int inFeatures, int outFeatures, boolean bias, WeightInit init) {
        this.backend = backend;
        this.init = init;
        this.weight = new Parameter("weight", backend.zeros(dtype, inFeatures, outFeatures),
                backend.zeros(dtype, inFeatures, outFeatures), TensorLayout.TRANSPOSED);
        this.bias = bias ? new Parameter("bias", backend.zeros(dtype, 1, outFeatures),
                backend.zeros(dtype, 1, outFeatures), TensorLayout.VECTOR) : null;
        this.parameters = bias ? List.of(weight, this.bias) : List.of(weight);
        this.outputs = new Buffers(backend);
        this.inputGrads = new Buffers(backend);
        this.inputViews = new StepViews(backend);
        this.outputViews = new StepViews(backend);
        this.gradViews = new StepViews(backend);
        this.inputGradViews = new StepViews(backend);
    }

    /** Inputs per example: the rows of {@code W}. */
    public int inFeatures() {
        return weight.value().rows();
    }

    /** Outputs per example: the columns of {@code W}. */
    public int outFeatures() {
        return weight.value().cols();
    }

    /** The weight: {@code in x out} here, {@code [out, in]} in the {@code state_dict}. */
    public Parameter weight() {
        return weight;
    }

    /** The bias, or null for a layer made without one. */
    public Parameter bias() {
        return bias;
    }

    /** How the weights are drawn; null: by the activation beside the layer. */
    public WeightInit init() {
        return init;
    }

    /** Draws the weight by its {@link #init()} (else {@link Initialization#automatic()}) and zeroes the bias. */
    @Override
    public void initialize(Initialization init) {
        initialize(this.init != null ? this.init : init.automatic(), init.random());
    }

    /** Draws the weight from {@code init} (fan-in {@code in}, fan-out {@code out}) and zeroes the bias. */
    public void initialize(WeightInit init, Random random) {
        backend.copyIn(init.sample(inFeatures(), outFeatures(), random), weight.value());
        if (bias != null) {
            backend.fill(bias.value(), 0);
        }
        initialized = true;
    }

    private void requireInitialized() {
        if (!initialized) {
            throw new IllegalStateException(this + " has not been initialised: its weights are drawn when a Model"
                    + " is made of it (Model.of) or by initialize(seed)");
        }
    }

    @Override
    public Matrix forward(Matrix x, Pass pass) {
        requireInitialized();
        int steps = steps(x.cols(), inFeatures());
        Matrix out = outputs.get(x.dtype(), x.rows(), steps * outFeatures());
        int rows = x.rows() * steps;
        forward(inputViews.of(x, rows, inFeatures()), outputViews.of(out, rows, outFeatures()));
        input = x;
        return out;
    }

    /** The steps of a row of {@code cols} values, {@code features} per step. */
    private static int steps(int cols, int features) {
        if (cols % features != 0) {
            throw new IllegalArgumentException("a linear layer of " + features + " inputs cannot take rows of " + cols
                    + " values");
        }
        return cols / features;
    }

    /** {@code out = x W + b} into a given {@code n x out} matrix; nothing is kept for a backward pass. */
    public void forward(Matrix x, Matrix out) {
        backend.gemm(false, false, 1, x, weight.value(), 0, out);
        if (bias != null) {
            backend.addRowVector(out, bias.value(), out);
        }
    }

    /**
     * {@code preActivation = x W + b} and {@code out = f(preActivation)}, both {@code n x out}: the
     * bias and the activation in one pass ({@link Backend#biasActivation}); nothing is kept for a
     * backward pass.
     */
    public void forward(Matrix x, ActivationKind activation, Matrix preActivation, Matrix out) {
        backend.gemm(false, false, 1, x, weight.value(), 0, preActivation);
        if (bias != null) {
            backend.biasActivation(activation, preActivation, bias.value(), out);
        } else {
            backend.activation(activation, preActivation, out);
        }
    }

    /** With a bias, an {@link ActivationLayer} after this layer runs in one step with it. */
    @Override
    public FusedStep fuseWith(Module next) {
        if (bias != null && next instanceof ActivationLayer activation) {
            return (x, pass) -> forwardActivated(x, activation, pass);
        }
        return null;
    }

    /**
     * This layer and {@code activation} after it in one step: the product, then the bias and the
     * activation in one pass. The activation keeps what its backward pass needs, as if it had run.
     */
    private Matrix forwardActivated(Matrix x, ActivationLayer activation, Pass pass) {
        requireInitialized();
        if (x.cols() != inFeatures()) {
            // A sequence: the product over every step, then the activation over the whole batch.
            return activation.forward(forward(x, pass), pass);
        }
        Matrix pre = outputs.get(x.dtype(), x.rows(), outFeatures());
        Matrix out = activation.outputFor(pre);
        forward(x, activation.kind(), pre, out);
        input = x;
        return out;
    }

    @Override
    public Matrix backward(Matrix grad, boolean inputGradient) {
        int steps = steps(grad.cols(), outFeatures());
        int rows = grad.rows() * steps;
        Matrix inputGrad = inputGradient ? inputGrads.get(grad.dtype(), grad.rows(), steps * inFeatures()) : null;
        backward(inputViews.of(input, rows, inFeatures()), gradViews.of(grad, rows, outFeatures()),
                inputGrad == null ? null : inputGradViews.of(inputGrad, rows, inFeatures()), weight.grad(),
                bias != null ? bias.grad() : null);
        return inputGrad;
    }

    /**
     * The gradients for input {@code x} and upstream gradient {@code grad} ({@code n x out}) into given
     * matrices: {@code dL/dx = grad W^T} (skipped when {@code inputGrad} is null), {@code dL/dW = x^T
     * grad} and {@code dL/db = column sums of grad} (the bias is added to every row, so its gradient
     * sums over the batch; ignored without a bias).
     */
    public void backward(Matrix x, Matrix grad, Matrix inputGrad, Matrix weightGrad, Matrix biasGrad) {
        if (inputGrad != null) {
            backend.gemm(false, true, 1, grad, weight.value(), 0, inputGrad);
        }
        backend.gemm(true, false, 1, x, grad, 0, weightGrad);
        if (bias != null) {
            backend.columnSums(grad, biasGrad);
        }
    }

    @Override
    public Shape outputShape(Shape in) {
        int last = in.dims().get(in.rank() - 1);
        if (last != inFeatures()) {
            throw new IllegalArgumentException(in.rank() == 1 ? "linear takes input of shape [" + inFeatures() + "], not "
                    + in : "linear takes input whose last dimension is " + inFeatures() + ", not " + in);
        }
        List<Integer> dims = new java.util.ArrayList<>(in.dims());
        dims.set(dims.size() - 1, outFeatures());
        return new Shape(dims);
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public String toString() {
        return "Linear(" + inFeatures() + ", " + outFeatures() + (bias == null ? ", bias=false" : "") + ")";
    }

    /** The layer type {@code linear}. */
    public static final class Type implements LayerType {
        private static final List<String> INITS = List.of("auto", "he", "xavier", "randn");

        @Override
        public String name() {
            return "linear";
        }

        @Override
        public String description() {
            return "affine map y = x W^T + b (torch.nn.Linear)";
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of(
                    HyperParameter.optionalInteger("in_features", 1, "inputs per example; inferred from the input"),
                    HyperParameter.requiredInteger("out_features", 1, "outputs per example"),
                    HyperParameter.bool("bias", true, "whether to learn an additive bias"),
                    HyperParameter.choice("init", "auto", INITS, "initial weights (nn4j): he, xavier, randn, or"
                            + " auto: he before a relu or leaky_relu, else xavier; biases start at 0"));
        }

        @Override
        public Module create(LayerConfig config) {
            Shape in = config.input();
            int features = in.dims().get(in.rank() - 1);
            if (config.has("in_features") && config.integer("in_features") != features) {
                throw config.error("in_features", "is " + config.integer("in_features") + " but its input has "
                        + features + " features" + (in.rank() > 1 ? " in its last dimension (" + in + ")" : ""));
            }
            int out = config.integer("out_features");
            config.reserve((long) features * out, config.bool("bias") ? out : 0);
            return new Linear(config.backend(), config.dtype(), features, config.integer("out_features"),
                    config.bool("bias"), init(config.string("init")));
        }

        @Override
        public Map<String, Object> write(Module module) {
            if (!(module instanceof Linear linear)) {
                return null;
            }
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("out_features", linear.outFeatures());
            if (linear.bias() == null) {
                values.put("bias", false);
            }
            if (linear.init() != null) {
                values.put("init", linear.init().label());
            }
            return values;
        }

        /** The weight initialisation an {@code init} value names; null for {@code auto}. */
        static WeightInit init(String name) {
            return name.equals("auto") ? null : WeightInit.valueOf(name.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
