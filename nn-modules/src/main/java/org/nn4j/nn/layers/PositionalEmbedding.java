package org.nn4j.nn.layers;

import java.util.List;
import java.util.Map;
import java.util.Random;
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
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/**
 * Learned positions: {@code y[t] = x[t] + weight[t]} for an input {@code [T, E]}, the {@code weight} a
 * {@code [T, E]} parameter (the {@code state_dict} tensor {@code weight}, as {@code
 * nn4j_torch.PositionalEmbedding} keeps it). The weight is seen as one {@code 1 x (T * E)} row added to
 * each example ({@link Backend#addRowVector}); its gradient is the column sums of the output's. Every step
 * gets its position, padding included, as in PyTorch, where the layers after it leave padding out.
 *
 * <p>Initialisation: N(0, 1), as {@code torch.nn.Embedding} draws the rows of a table of positions.
 */
public final class PositionalEmbedding extends Module {
    private final Backend backend;
    private final int steps;
    private final int features;
    private final Parameter weight;
    private final Matrix weightRow;
    private final Matrix gradRow;
    private final Buffers outputs;
    private boolean initialized;

    /** Positions for sequences of {@code steps} steps of {@code features} values. */
    public PositionalEmbedding(Backend backend, DType dtype, int steps, int features) {
        this.backend = backend;
        this.steps = steps;
        this.features = features;
        this.weight = new Parameter("weight", backend.zeros(dtype, steps, features),
                backend.zeros(dtype, steps, features), TensorLayout.MATRIX);
        this.weightRow = backend.reshape(weight.value(), 1, steps * features);
        this.gradRow = backend.reshape(weight.grad(), 1, steps * features);
        this.outputs = new Buffers(backend);
    }

    /** The steps {@code T}. */
    public int steps() {
        return steps;
    }

    /** The values of each step {@code E}. */
    public int features() {
        return features;
    }

    /** The positions, {@code [T, E]}. */
    public Parameter weight() {
        return weight;
    }

    /** Draws the weight from N(0, 1), step after step. */
    @Override
    public void initialize(Initialization init) {
        Random random = init.random();
        double[] values = new double[steps * features];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian();
        }
        backend.copyIn(values, weight.value());
        initialized = true;
    }

    @Override
    public Matrix forward(Matrix x, Pass pass) {
        if (!initialized) {
            throw new IllegalStateException(this + " has not been initialised: its weights are drawn when a Model"
                    + " is made of it (Model.of) or by initialize(seed)");
        }
        Matrix out = outputs.get(x.dtype(), x.rows(), x.cols());
        backend.addRowVector(x, weightRow, out);
        return out;
    }

    @Override
    public Matrix backward(Matrix grad, boolean inputGradient) {
        backend.columnSums(grad, gradRow);
        return inputGradient ? grad : null;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.rank() != 2 || in.dims().get(0) != steps || in.dims().get(1) != features) {
            throw new IllegalArgumentException("positional_embedding takes input of shape [" + steps + ", " + features
                    + "], not " + in);
        }
        return in;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight);
    }

    @Override
    public String toString() {
        return "PositionalEmbedding(" + steps + ", " + features + ")";
    }

    /** The layer type {@code positional_embedding}. */
    public static final class Type implements LayerType {
        @Override
        public String name() {
            return "positional_embedding";
        }

        @Override
        public String description() {
            return "learned positions [T, E] added to a sequence (weight drawn from N(0, 1))";
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of();
        }

        @Override
        public Module create(LayerConfig config) {
            Shape in = config.input();
            if (in.rank() != 2) {
                throw config.error(null, "takes a sequence of shape [T, E], not " + in);
            }
            config.reserve(in.size());
            return new PositionalEmbedding(config.backend(), config.dtype(), in.dims().get(0), in.dims().get(1));
        }

        @Override
        public Map<String, Object> write(Module module) {
            return module instanceof PositionalEmbedding ? Map.of() : null;
        }
    }
}
