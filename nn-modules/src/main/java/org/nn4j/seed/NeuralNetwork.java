package org.nn4j.seed;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Model;
import org.nn4j.nn.Module;
import org.nn4j.nn.Pass;
import org.nn4j.nn.Sequential;
import org.nn4j.nn.WeightInit;
import org.nn4j.nn.layers.Linear;
import org.nn4j.nn.losses.MeanSquaredError;
import org.nn4j.nn.losses.SoftmaxCrossEntropy;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * A multi-layer perceptron: fully connected layers of sizes {@code input, hidden..., output}, the
 * same activation after every layer but the last, and a linear output (logits for {@link
 * SoftmaxCrossEntropy}, values for {@link MeanSquaredError}). It is the {@link Model} of {@link
 * ModelSpec#mlp}, a {@link Sequential} of {@link Linear} and activation layers, with the seed
 * assignment's API on top: its {@link #layers()} are views of the model's {@link Linear} modules.
 *
 * <p>The matrices {@link #forward} and {@link #backward} return are buffers of the layers: they stay
 * valid until the next call of the same method.
 */
public final class NeuralNetwork {
    private final Model model;
    private final ActivationKind activation;
    private final List<FullyConnectedLayer> layers;
    private final List<Matrix> weightGrads;
    private final List<Matrix> biasGrads;
    private int lastRows = -1;

    /** As the assignment's {@code NeuralNetwork(input_size, output_size, hidden_sizes, activation)}, seeded. */
    public NeuralNetwork(Backend backend, DType dtype, int inputSize, int outputSize, List<Integer> hiddenSizes,
            ActivationKind activation, WeightInit init, long seed) {
        requirePositive("input size", inputSize);
        requirePositive("output size", outputSize);
        for (int i = 0; i < hiddenSizes.size(); i++) {
            requirePositive("hidden size " + (i + 1), hiddenSizes.get(i));
        }
        ModelSpec mlp = ModelSpec.mlp(inputSize, hiddenSizes, outputSize, activation, ModelSpec.DEFAULT_LOSS);
        List<ObjectNode> layerSpecs = new ArrayList<>();
        for (ObjectNode layer : mlp.layers()) {
            layerSpecs.add(layer.path("type").asText().equals("linear") ? layer.put("init", init.label()) : layer);
        }
        this.model = ModuleRegistry.builtIn().build(new ModelSpec(mlp.input(), layerSpecs, mlp.loss()), backend,
                dtype, seed, "network");
        this.activation = activation;
        List<FullyConnectedLayer> fc = new ArrayList<>();
        List<Matrix> w = new ArrayList<>();
        List<Matrix> b = new ArrayList<>();
        for (Module module : model.network().modules()) {
            if (module instanceof Linear linear) {
                fc.add(new FullyConnectedLayer(backend, linear));
                w.add(linear.weight().grad());
                b.add(linear.bias().grad());
            }
        }
        this.layers = List.copyOf(fc);
        this.weightGrads = List.copyOf(w);
        this.biasGrads = List.copyOf(b);
    }

    /** A builder of a network on {@code backend}. */
    public static Builder builder(Backend backend) {
        return new Builder(backend);
    }

    /** The network as a {@link Model}: what training, evaluation and model files take. */
    public Model model() {
        return model;
    }

    /** The backend it computes on. */
    public Backend backend() {
        return model.backend();
    }

    /** The dtype of its weights. */
    public DType dtype() {
        return model.dtype();
    }

    /** Its layers, input first. */
    public List<FullyConnectedLayer> layers() {
        return layers;
    }

    /** The activation between layers. */
    public ActivationKind activation() {
        return activation;
    }

    /** Inputs per example. */
    public int inputSize() {
        return model.inputSize();
    }

    /** Outputs per example. */
    public int outputSize() {
        return model.outputSize();
    }

    /** The network's output for {@code x} ({@code n x inputSize}): an {@code n x outputSize} buffer of the network. */
    public Matrix forward(Matrix x) {
        if (x.cols() != inputSize() || x.dtype() != dtype()) {
            throw new IllegalArgumentException("the network takes " + dtype() + " input of " + inputSize()
                    + " columns, not " + x.dtype() + " " + x.shape());
        }
        Matrix out = model.forward(x, Pass.eval());
        lastRows = x.rows();
        return out;
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
        if (lastRows < 0) {
            throw new IllegalStateException("backward needs a forward pass first");
        }
        if (grad.rows() != lastRows || grad.cols() != outputSize() || grad.dtype() != dtype()) {
            throw new IllegalArgumentException("the gradient of the output must be " + dtype() + " " + lastRows
                    + "x" + outputSize() + ", not " + grad.dtype() + " " + grad.shape());
        }
        Matrix input = model.backward(grad, withInputGradient);
        return new NetworkGradients(input, weightGrads, biasGrads);
    }

    /** Every parameter, layer by layer: weights then bias of the first layer, and so on. */
    public List<Matrix> parameters() {
        return model.parameterValues();
    }

    /** The gradients of the last {@link #backward}, in the order of {@link #parameters()}. */
    public List<Matrix> parameterGradients() {
        return model.parameterGradients();
    }

    private static void requirePositive(String what, Integer size) {
        if (size == null || size < 1) {
            throw new IllegalArgumentException("the " + what + " must be at least 1, not " + size);
        }
    }

    @Override
    public String toString() {
        StringBuilder sizes = new StringBuilder().append(inputSize());
        layers.forEach(layer -> sizes.append('-').append(layer.outputSize()));
        return "NeuralNetwork(" + sizes + ", " + activation + ", " + dtype() + ", " + backend().name() + ")";
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

        /** Inputs per example. */
        public Builder inputSize(int inputSize) {
            this.inputSize = inputSize;
            return this;
        }

        /** Outputs per example. */
        public Builder outputSize(int outputSize) {
            this.outputSize = outputSize;
            return this;
        }

        /** Sizes of the hidden layers, first to last; none by default. */
        public Builder hiddenSizes(int... hiddenSizes) {
            return hiddenSizes(Arrays.stream(hiddenSizes).boxed().toList());
        }

        /** The hidden layers' sizes, input side first. */
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
