package org.nn4j.nn.layers;

import java.util.List;
import java.util.Random;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.api.Window2d;
import org.nn4j.nn.Buffers;
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
    private final Buffers outputs;
    private final Buffers inputGrads;
    private Matrix input;

    /** A convolution of {@code outChannels} filters over {@code window}, with a bias when {@code bias}. */
    public Conv2d(Backend backend, DType dtype, Window2d window, int outChannels, boolean bias) {
        this.backend = backend;
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

    /** Draws the weight with {@code init} (fan-in: a patch's values); the bias starts at zero. */
    public void initialize(WeightInit init, Random random) {
        backend.copyIn(init.sample(window.patchSize(), outChannels, random), parameters.get(0).value());
    }

    @Override
    public Matrix forward(Matrix x, Pass pass) {
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
            Conv2d conv = new Conv2d(config.backend(), config.dtype(), window, config.integer("out_channels"),
                    config.bool("bias"));
            conv.initialize(Linear.Type.init(config), config.random());
            return conv;
        }
    }
}
