package org.nn4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;

/**
 * A multi-layer perceptron: fully connected layers of sizes {@code input, hidden..., output}, the
 * same activation after every layer but the last, and a linear output (logits for {@link
 * SoftmaxCrossEntropy}, values for {@link MeanSquaredError}).
 *
 * <p>The network keeps the intermediate results of its last {@link #forward} for {@link #backward}, in
 * buffers made once per batch size. The matrices both return are those buffers: they stay valid until
 * the next call of the same method.
 */
public final class NeuralNetwork {
    private final Backend backend;
    private final DType dtype;
    private final List<FullyConnectedLayer> layers;
    private final Activation activation;

    private final List<Matrix> weightGrads = new ArrayList<>();
    private final List<Matrix> biasGrads = new ArrayList<>();
    private final List<Matrix> weightGradsView;
    private final List<Matrix> parameters;
    private final List<Matrix> parameterGradients;
    private final List<Matrix> biasGradsView;
    private final Map<Integer, BatchBuffers> buffersByBatchSize = new HashMap<>();
    /** The buffers of the last forward pass, and its input. */
    private BatchBuffers last;
    private Matrix input;

    /** As the assignment's {@code NeuralNetwork(input_size, output_size, hidden_sizes, activation)}, seeded. */
    public NeuralNetwork(Backend backend, DType dtype, int inputSize, int outputSize, List<Integer> hiddenSizes,
            ActivationKind activation, WeightInit init, long seed) {
        requirePositive("input size", inputSize);
        requirePositive("output size", outputSize);
        for (int i = 0; i < hiddenSizes.size(); i++) {
            requirePositive("hidden size " + (i + 1), hiddenSizes.get(i));
        }
        this.backend = backend;
        this.dtype = dtype;
        this.activation = Activation.of(backend, activation);
        List<Integer> sizes = new ArrayList<>();
        sizes.add(inputSize);
        sizes.addAll(hiddenSizes);
        sizes.add(outputSize);
        Random random = new Random(seed);
        List<FullyConnectedLayer> built = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.size(); i++) {
            FullyConnectedLayer layer = new FullyConnectedLayer(backend, dtype, sizes.get(i), sizes.get(i + 1));
            layer.initialize(init, random);
            built.add(layer);
            weightGrads.add(backend.zeros(dtype, sizes.get(i), sizes.get(i + 1)));
            biasGrads.add(backend.zeros(dtype, 1, sizes.get(i + 1)));
        }
        this.layers = Collections.unmodifiableList(built);
        this.weightGradsView = Collections.unmodifiableList(weightGrads);
        this.biasGradsView = Collections.unmodifiableList(biasGrads);
        List<Matrix> params = new ArrayList<>();
        List<Matrix> grads = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            params.add(layers.get(i).weights());
            params.add(layers.get(i).bias());
            grads.add(weightGrads.get(i));
            grads.add(biasGrads.get(i));
        }
        this.parameters = List.copyOf(params);
        this.parameterGradients = List.copyOf(grads);
    }

    public static Builder builder(Backend backend) {
        return new Builder(backend);
    }

    public Backend backend() {
        return backend;
    }

    public DType dtype() {
        return dtype;
    }

    public List<FullyConnectedLayer> layers() {
        return layers;
    }

    public ActivationKind activation() {
        return activation.kind();
    }

    public int inputSize() {
        return layers.get(0).inputSize();
    }

    public int outputSize() {
        return layers.get(layers.size() - 1).outputSize();
    }

    /** The network's output for {@code x} ({@code n x inputSize}): an {@code n x outputSize} buffer of the network. */
    public Matrix forward(Matrix x) {
        if (x.cols() != inputSize() || x.dtype() != dtype) {
            throw new IllegalArgumentException("the network takes " + dtype + " input of " + inputSize()
                    + " columns, not " + x.dtype() + " " + x.shape());
        }
        BatchBuffers b = buffersFor(x.rows());
        input = x;
        last = b;
        Matrix h = x;
        int lastLayer = layers.size() - 1;
        for (int i = 0; i < lastLayer; i++) {
            layers.get(i).forward(h, activation.kind(), b.preActivations[i], b.activations[i]);
            h = b.activations[i];
        }
        layers.get(lastLayer).forward(h, b.preActivations[lastLayer]);
        return b.preActivations[lastLayer];
    }

    /**
     * Backpropagates {@code grad = dL/d(output)} ({@code n x outputSize}) through the last {@link
     * #forward}. The gradients returned are buffers of the network.
     */
    public NetworkGradients backward(Matrix grad) {
        return backward(grad, true);
    }

    /**
     * As {@link #backward(Matrix)}; without {@code withInputGradient} the input gradient is not
     * computed (training needs only the parameters') and the result's {@code input} is null.
     */
    public NetworkGradients backward(Matrix grad, boolean withInputGradient) {
        if (last == null) {
            throw new IllegalStateException("backward needs a forward pass first");
        }
        if (grad.rows() != last.rows || grad.cols() != outputSize() || grad.dtype() != dtype) {
            throw new IllegalArgumentException("the gradient of the output must be " + dtype + " " + last.rows
                    + "x" + outputSize() + ", not " + grad.dtype() + " " + grad.shape());
        }
        BatchBuffers b = last;
        Matrix g = grad;
        for (int i = layers.size() - 1; i >= 0; i--) {
            Matrix layerInput = i == 0 ? input : b.activations[i - 1];
            Matrix layerInputGrad = i > 0 ? b.hiddenGrads[i - 1] : withInputGradient ? b.inputGrad() : null;
            layers.get(i).backward(layerInput, g, layerInputGrad, weightGrads.get(i), biasGrads.get(i));
            if (i > 0) {
                activation.backward(b.preActivations[i - 1], b.activations[i - 1], b.hiddenGrads[i - 1],
                        b.hiddenGrads[i - 1]);
                g = b.hiddenGrads[i - 1];
            }
        }
        return new NetworkGradients(withInputGradient ? b.inputGrad() : null, weightGradsView, biasGradsView);
    }

    /** Every parameter, layer by layer: weights then bias of the first layer, and so on. */
    public List<Matrix> parameters() {
        return parameters;
    }

    /** The gradients of the last {@link #backward}, in the order of {@link #parameters()}. */
    public List<Matrix> parameterGradients() {
        return parameterGradients;
    }

    private static void requirePositive(String what, Integer size) {
        if (size == null || size < 1) {
            throw new IllegalArgumentException("the " + what + " must be at least 1, not " + size);
        }
    }

    private BatchBuffers buffersFor(int rows) {
        if (last != null && last.rows == rows) {
            return last;
        }
        return buffersByBatchSize.computeIfAbsent(rows, BatchBuffers::new);
    }

    /** What a forward and backward pass of one batch size work in. */
    private final class BatchBuffers {
        final int rows;
        /** Output of each layer before its activation; the last one is the network's output. */
        final Matrix[] preActivations;
        /** Output of each hidden layer's activation. */
        final Matrix[] activations;
        /** Gradient w.r.t. each hidden layer's output, turned in place into that w.r.t. its pre-activation. */
        final Matrix[] hiddenGrads;
        private Matrix inputGrad;

        BatchBuffers(int rows) {
            this.rows = rows;
            int count = layers.size();
            preActivations = new Matrix[count];
            activations = new Matrix[count - 1];
            hiddenGrads = new Matrix[count - 1];
            for (int i = 0; i < count; i++) {
                int width = layers.get(i).outputSize();
                preActivations[i] = backend.zeros(dtype, rows, width);
                if (i < count - 1) {
                    activations[i] = backend.zeros(dtype, rows, width);
                    hiddenGrads[i] = backend.zeros(dtype, rows, width);
                }
            }
        }

        /** Made on first need: training never asks for it. */
        Matrix inputGrad() {
            if (inputGrad == null) {
                inputGrad = backend.zeros(dtype, rows, inputSize());
            }
            return inputGrad;
        }
    }

    @Override
    public String toString() {
        StringBuilder sizes = new StringBuilder().append(inputSize());
        layers.forEach(layer -> sizes.append('-').append(layer.outputSize()));
        return "NeuralNetwork(" + sizes + ", " + activation + ", " + dtype + ", " + backend.name() + ")";
    }

    /** Builds a {@link NeuralNetwork}, checking every size before any matrix is made. */
    public static final class Builder {
        private final Backend backend;
        private DType dtype = DType.FLOAT32;
        private int inputSize;
        private int outputSize;
        private List<Integer> hiddenSizes = List.of();
        private ActivationKind activation = ActivationKind.RELU;
        private WeightInit init;
        private long seed = 42;

        private Builder(Backend backend) {
            this.backend = backend;
        }

        /** Element type; float32 unless set. */
        public Builder dtype(DType dtype) {
            this.dtype = Objects.requireNonNull(dtype, "dtype");
            return this;
        }

        public Builder inputSize(int inputSize) {
            this.inputSize = inputSize;
            return this;
        }

        public Builder outputSize(int outputSize) {
            this.outputSize = outputSize;
            return this;
        }

        /** Sizes of the hidden layers, first to last; none by default. */
        public Builder hiddenSizes(int... hiddenSizes) {
            return hiddenSizes(Arrays.stream(hiddenSizes).boxed().toList());
        }

        public Builder hiddenSizes(List<Integer> hiddenSizes) {
            this.hiddenSizes = List.copyOf(hiddenSizes);
            return this;
        }

        /** The hidden layers' activation; ReLU unless set. */
        public Builder activation(ActivationKind activation) {
            this.activation = Objects.requireNonNull(activation, "activation");
            return this;
        }

        /** Weight initialisation; {@link WeightInit#defaultFor the activation's default} unless set. */
        public Builder init(WeightInit init) {
            this.init = init;
            return this;
        }

        /** Seed of the weight initialisation; 42 unless set. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @throws IllegalArgumentException naming the first size that is not positive */
        public NeuralNetwork build() {
            return new NeuralNetwork(backend, dtype, inputSize, outputSize, hiddenSizes, activation,
                    init != null ? init : WeightInit.defaultFor(activation), seed);
        }
    }
}
