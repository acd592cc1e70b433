package org.nn4j.nn.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.api.Window2d;
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
 * {@code torch.nn.Conv2d}: {@code [in_channels, H, W]} images to {@code [out_channels, H', W']}, each
 * output the bias plus the weight's dot product with the window of every input channel under it. nn4j
 * keeps the weight as {@code out_channels x (in_channels * kh * kw)}, whose row-major values are
 * PyTorch's {@code [out_channels, in_channels, kh, kw]} tensor; {@code bias} is {@code [out_channels]}.
 *
 * <p>The work is the backend's {@link Backend#conv2d} and {@link Backend#conv2dBackward}: by default
 * im2col and one product per batch, on nd4j-native one product per example from patches the core's
 * cache holds.
 */
public final class Conv2d extends Module {
    private final Backend backend;
    private final DType dtype;
    private final Window2d window;
    private final int outChannels;
    private final List<Parameter> parameters;
    private final WeightInit init;
    private final Buffers outputs;
    private final Buffers inputGrads;
    private boolean initialized;
    private Matrix input;

    /**
     * A convolution of {@code [C, H, W]} images of {@code input} by {@code outChannels} filters of
     * {@code kernelSize x kernelSize}, moved {@code stride} at a time over the images padded by {@code
     * padding} zeros on each side, with a bias: PyTorch's {@code Conv2d(C, out_channels, kernel_size,
     * stride, padding)}. Its weights are drawn when it is initialised, as {@link Linear}'s.
     */
    public Conv2d(Backend backend, DType dtype, Shape input, int outChannels, int kernelSize, int stride,
            int padding) {
        this(backend, dtype, new Window2d(channels(input), input.dims().get(1), input.dims().get(2), kernelSize,
                kernelSize, stride, stride, padding, padding), outChannels, true);
    }

    /** A convolution of {@code outChannels} filters over {@code window}, with a bias when {@code bias}. */
    public Conv2d(Backend backend, DType dtype, Window2d window, int outChannels, boolean bias) {
        this(backend, dtype, window, outChannels, bias, null);
    }

    /**
     * As {@link #Conv2d(Backend, DType, Window2d, int, boolean)}, its weights drawn by {@code init}
     * (null: He when the nearest activation after it, else before it, is a ReLU or leaky ReLU, else
     * Xavier).
     */
    public Conv2d(Backend backend, DType dtype, Window2d window, int outChannels, boolean bias, WeightInit init) {
        this.backend = backend;
        this.init = init;
        this.dtype = dtype;
        this.window = window;
        this.outChannels = outChannels;
        int patch = window.patchSize();
        Parameter weight = new Parameter("weight", backend.zeros(dtype, outChannels, patch),
                backend.zeros(dtype, outChannels, patch), TensorLayout.reshaped(outChannels, window.channels(),
                        window.kernelHeight(), window.kernelWidth()));
        this.parameters = bias
                ? List.of(weight, new Parameter("bias", backend.zeros(dtype, 1, outChannels),
                        backend.zeros(dtype, 1, outChannels), TensorLayout.VECTOR))
                : List.of(weight);
        this.outputs = new Buffers(backend);
        this.inputGrads = new Buffers(backend);
    }

    /** The channels of {@code [C, H, W]} images, or a message that names what {@code input} is instead. */
    private static int channels(Shape input) {
        if (input.rank() != 3) {
            throw new IllegalArgumentException("conv2d takes input of shape [channels, height, width], not " + input);
        }
        return input.dims().get(0);
    }

    /** The window the filters move over. */
    public Window2d window() {
        return window;
    }

    /** Channels of the output: the number of filters. */
    public int outChannels() {
        return outChannels;
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

    /** Draws the weight with {@code init} (fan-in: a patch's values) and zeroes the bias. */
    public void initialize(WeightInit init, Random random) {
        backend.copyIn(init.sample(window.patchSize(), outChannels, random), parameters.get(0).value());
        if (parameters.size() > 1) {
            backend.fill(parameters.get(1).value(), 0);
        }
        initialized = true;
    }

    @Override
    public Matrix forward(Matrix x, Pass pass) {
        if (!initialized) {
            throw new IllegalStateException(this + " has not been initialised: its weights are drawn when a Model"
                    + " is made of it (Model.of) or by initialize(seed)");
        }
        input = x;
        Matrix out = outputs.get(dtype, x.rows(), outChannels * window.positions());
        backend.conv2d(x, window, parameters.get(0).value(), bias(), out);
        return out;
    }

    @Override
    public Matrix backward(Matrix grad, boolean inputGradient) {
        Matrix inputGrad = inputGradient ? inputGrads.get(dtype, grad.rows(), window.inputSize()) : null;
        backend.conv2dBackward(grad, input, window, parameters.get(0).value(), parameters.get(0).grad(),
                parameters.size() > 1 ? parameters.get(1).grad() : null, inputGrad);
        return inputGrad;
    }

    private Matrix bias() {
        return parameters.size() > 1 ? parameters.get(1).value() : null;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (!in.equals(Shape.of(window.channels(), window.height(), window.width()))) {
            throw new IllegalArgumentException("conv2d takes input of shape [" + window.channels() + ", "
                    + window.height() + ", " + window.width() + "], not " + in);
        }
        return Shape.of(outChannels, window.outHeight(), window.outWidth());
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public String toString() {
        return "Conv2d(" + window.channels() + ", " + outChannels + ", kernel_size=(" + window.kernelHeight() + ", "
                + window.kernelWidth() + "), stride=(" + window.strideHeight() + ", " + window.strideWidth()
                + "), padding=(" + window.paddingHeight() + ", " + window.paddingWidth() + "), bias="
                + (parameters.size() > 1) + ")";
    }

    /**
     * The window of a layer of {@code config} over its {@code [C, H, W]} input, from its {@code
     * kernel_size}, {@code stride} (default: {@code defaultStride}, or the kernel when null) and {@code
     * padding}; errors name the layer and the shapes.
     */
    static Window2d window(LayerConfig config, Integer defaultStride) {
        Shape in = config.input();
        if (in.rank() != 3) {
            throw config.error(null, "takes input of shape [channels, height, width], not " + in);
        }
        int[] kernel = config.pair("kernel_size");
        int[] stride = config.has("stride") ? config.pair("stride")
                : defaultStride != null ? new int[] {defaultStride, defaultStride} : kernel;
        int[] padding = config.pair("padding");
        int c = in.dims().get(0);
        int h = in.dims().get(1);
        int w = in.dims().get(2);
        if (kernel[0] > h + 2 * padding[0] || kernel[1] > w + 2 * padding[1]) {
            throw config.error("kernel_size", "is " + kernel[0] + "x" + kernel[1] + ", larger than the input " + in
                    + " padded by " + padding[0] + "x" + padding[1]);
        }
        return new Window2d(c, h, w, kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1]);
    }

    /** The layer type {@code conv2d}. */
    public static final class Type implements LayerType {
        @Override
        public String name() {
            return "conv2d";
        }

        @Override
        public String description() {
            return "2-D convolution of [channels, height, width] images (torch.nn.Conv2d)";
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of(
                    HyperParameter.requiredInteger("out_channels", 1, "channels of the output"),
                    HyperParameter.pair("kernel_size", null, true, 1, "the window's height and width"),
                    HyperParameter.pair("stride", 1, false, 1, "the window's step"),
                    HyperParameter.pair("padding", 0, false, 0, "zeros added on each side"),
                    HyperParameter.bool("bias", true, "whether to add a learnt bias per output channel"),
                    HyperParameter.optionalInteger("in_channels", 1, "channels of the input; inferred from it"),
                    HyperParameter.choice("init", "auto", List.of("auto", "he", "xavier", "randn"), "initial weights"
                            + " (nn4j): he, xavier, randn, or auto: he before a relu or leaky_relu, else xavier;"
                            + " biases start at 0"));
        }

        @Override
        public Module create(LayerConfig config) {
            Window2d window = window(config, 1);
            if (config.has("in_channels") && config.integer("in_channels") != window.channels()) {
                throw config.error("in_channels", "is " + config.integer("in_channels") + " but its input "
                        + config.input() + " has " + window.channels() + " channels");
            }
            int out = config.integer("out_channels");
            config.reserve((long) out * window.channels() * window.kernelHeight() * window.kernelWidth(),
                    config.bool("bias") ? out : 0);
            return new Conv2d(config.backend(), config.dtype(), window, config.integer("out_channels"),
                    config.bool("bias"), Linear.Type.init(config.string("init")));
        }

        @Override
        public Map<String, Object> write(Module module) {
            if (!(module instanceof Conv2d conv)) {
                return null;
            }
            Window2d w = conv.window;
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("out_channels", conv.outChannels);
            values.put("kernel_size", pair(w.kernelHeight(), w.kernelWidth()));
            if (w.strideHeight() != 1 || w.strideWidth() != 1) {
                values.put("stride", pair(w.strideHeight(), w.strideWidth()));
            }
            if (w.paddingHeight() != 0 || w.paddingWidth() != 0) {
                values.put("padding", pair(w.paddingHeight(), w.paddingWidth()));
            }
            if (conv.parameters.size() == 1) {
                values.put("bias", false);
            }
            if (conv.init != null) {
                values.put("init", conv.init.label());
            }
            return values;
        }
    }

    /** A size in two directions as a spec writes it: one number when both are the same, else [height, width]. */
    static Object pair(int height, int width) {
        return height == width ? (Object) height : new int[] {height, width};
    }
}
