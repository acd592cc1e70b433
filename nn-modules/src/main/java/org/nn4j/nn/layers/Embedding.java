package org.nn4j.nn.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import org.nn4j.nn.SequenceMask;
import org.nn4j.nn.Shape;
import org.nn4j.nn.TensorLayout;
import org.nn4j.nn.TokenIds;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;
import org.nn4j.nn.spec.ModelSpec;

/**
 * {@code torch.nn.Embedding(num_embeddings, embedding_dim, padding_idx)}: the first layer of a model that
 * takes token ids. Input {@code [T]} ids ({@link TokenIds}, host ints), output {@code [T, E]}: row {@code
 * id} of the {@code weight} ({@code [num_embeddings, embedding_dim]}, PyTorch's layout) for each step, one
 * {@link Backend#gatherRows} over the batch's {@code n * T} ids. The backward pass adds each step's
 * gradient into its id's row ({@link Backend#scatterAddRows}); there is no input gradient (ids are not
 * differentiable).
 *
 * <p>With a {@code padding_idx} (negative counts from the end, as PyTorch's) that row starts at zero and
 * gets no gradient, and the layer makes the batch's {@link SequenceMask}: a row's length is the number of
 * its ids before the first padding id (right-padded sequences), set on every forward pass and handed down
 * the stack ({@link #propagateMask}). The weight is drawn from N(0, 1), as PyTorch's.
 */
public final class Embedding extends Module {
    private final Backend backend;
    private final int steps;
    private final int paddingIdx;
    private final Parameter weight;
    private final SequenceMask mask;
    private final Buffers outputs;
    private final StepViews outputViews;
    private final StepViews gradViews;
    private int[] lengths = new int[0];
    private TokenIds input;
    private boolean initialized;

    /**
     * An embedding of {@code numEmbeddings} ids in {@code embeddingDim} values, for sequences of {@code
     * steps} ids, without padding.
     */
    public Embedding(Backend backend, DType dtype, int steps, int numEmbeddings, int embeddingDim) {
        this(backend, dtype, steps, numEmbeddings, embeddingDim, null);
    }

    /**
     * As {@link #Embedding(Backend, DType, int, int, int)}, with {@code paddingIdx} (null for none; in {@code
     * [-numEmbeddings, numEmbeddings)}, negative counting from the end) as the padding id.
     */
    public Embedding(Backend backend, DType dtype, int steps, int numEmbeddings, int embeddingDim, Integer paddingIdx) {
        if (steps < 1 || numEmbeddings < 1 || embeddingDim < 1) {
            throw new IllegalArgumentException("an embedding needs at least one step, id and value, not " + steps + ", "
                    + numEmbeddings + ", " + embeddingDim);
        }
        if (paddingIdx != null && (paddingIdx < -numEmbeddings || paddingIdx >= numEmbeddings)) {
            throw new IllegalArgumentException("padding_idx " + paddingIdx + " is outside [-" + numEmbeddings + ", "
                    + numEmbeddings + ")");
        }
        this.backend = backend;
        this.steps = steps;
        this.paddingIdx = paddingIdx == null ? -1 : paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
        this.weight = new Parameter("weight", backend.zeros(dtype, numEmbeddings, embeddingDim),
                backend.zeros(dtype, numEmbeddings, embeddingDim), TensorLayout.MATRIX);
        this.mask = paddingIdx == null ? null : new SequenceMask(steps);
        this.outputs = new Buffers(backend);
        this.outputViews = new StepViews(backend);
        this.gradViews = new StepViews(backend);
    }

    /** The ids this embedding knows: the rows of its weight. */
    public int numEmbeddings() {
        return weight.value().rows();
    }

    /** The values of each id's row. */
    public int embeddingDim() {
        return weight.value().cols();
    }

    /** The steps {@code T} of each input row. */
    public int steps() {
        return steps;
    }

    /** The padding id, in {@code [0, numEmbeddings)}, or -1 for none. */
    public int paddingIdx() {
        return paddingIdx;
    }

    /** The weight, {@code [num_embeddings, embedding_dim]}. */
    public Parameter weight() {
        return weight;
    }

    /** Draws the weight from N(0, 1), row after row, and zeroes the padding row, as PyTorch does. */
    @Override
    public void initialize(Initialization init) {
        Random random = init.random();
        int v = numEmbeddings();
        int e = embeddingDim();
        double[] values = new double[v * e];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian();
        }
        if (paddingIdx >= 0) {
            java.util.Arrays.fill(values, paddingIdx * e, (paddingIdx + 1) * e, 0);
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
        if (!(x instanceof TokenIds ids) || x.cols() != steps) {
            throw new IllegalArgumentException("an embedding takes token ids (TokenIds) of " + steps + " steps, not "
                    + x);
        }
        int n = ids.rows();
        int e = embeddingDim();
        Matrix out = outputs.get(weight.value().dtype(), n, steps * e);
        backend.gatherRows(weight.value(), ids.ids(), outputViews.of(out, n * steps, e));
        if (mask != null) {
            if (lengths.length < n) {
                lengths = new int[n];
            }
            int[] all = ids.ids();
            for (int r = 0; r < n; r++) {
                int t = 0;
                while (t < steps && all[r * steps + t] != paddingIdx) {
                    t++;
                }
                lengths[r] = t;
            }
            mask.set(lengths, n);
        }
        input = ids;
        return out;
    }

    /** Writes the weight's gradient; returns null, as ids have no gradient. */
    @Override
    public Matrix backward(Matrix grad, boolean inputGradient) {
        int n = grad.rows();
        backend.fill(weight.grad(), 0);
        backend.scatterAddRows(gradViews.of(grad, n * steps, embeddingDim()), input.ids(), paddingIdx, weight.grad());
        return null;
    }

    /** With a padding id, this layer's own mask, whose lengths each forward pass sets; else none. */
    @Override
    public SequenceMask propagateMask(SequenceMask in) {
        return mask;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.rank() != 1 || in.size() != steps) {
            throw new IllegalArgumentException("embedding takes token ids of shape [" + steps + "], not " + in);
        }
        return Shape.of(steps, embeddingDim());
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight);
    }

    @Override
    public String toString() {
        return "Embedding(" + numEmbeddings() + ", " + embeddingDim() + (paddingIdx >= 0 ? ", padding_idx="
                + paddingIdx : "") + ")";
    }

    /**
     * {@code spec} with {@code num_embeddings} of its first layer set to {@code vocabulary} (the largest id of
     * the training data plus one) when it is an {@code embedding} that leaves it out; else {@code spec}.
     */
    public static ModelSpec withVocabulary(ModelSpec spec, int vocabulary) {
        if (!takesTokens(spec) || spec.layer(0).has("num_embeddings")) {
            return spec;
        }
        List<ObjectNode> layers = new ArrayList<>(spec.layers());
        layers.set(0, spec.layer(0).put("num_embeddings", vocabulary));
        return new ModelSpec(spec.input(), layers, spec.loss());
    }

    /**
     * Checks that every id of {@code ids} (rows of {@code steps}) is inside an embedding of {@code
     * numEmbeddings} ids.
     *
     * @param source names the data in the message (its file)
     * @param layer names the layer in the message ({@code layers[0] (embedding)} of a spec file)
     * @throws org.nn4j.io.InvalidInputException naming the source, the example (from 1), the step and the id
     */
    public static void requireIdsInside(int[] ids, int steps, int numEmbeddings, String source, String layer) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= numEmbeddings) {
                throw new org.nn4j.io.InvalidInputException(source + ": example " + (i / steps + 1) + " has token id "
                        + ids[i] + " (step " + (i % steps + 1) + "), outside " + layer + "'s " + numEmbeddings
                        + " ids (num_embeddings)");
            }
        }
    }

    /** Whether {@code spec}'s first layer is an {@code embedding}: its input is token ids. */
    public static boolean takesTokens(ModelSpec spec) {
        return "embedding".equals(spec.types().get(0));
    }

    /** The layer type {@code embedding}. */
    public static final class Type implements LayerType {
        @Override
        public String name() {
            return "embedding";
        }

        @Override
        public String description() {
            return "token ids [T] to rows of a learned table [T, E], the first layer (torch.nn.Embedding)";
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of(
                    HyperParameter.optionalInteger("num_embeddings", 1, "ids in the vocabulary; inferred from the"
                            + " training data (its largest id + 1) and written into the saved spec"),
                    HyperParameter.requiredInteger("embedding_dim", 1, "values per id"),
                    new HyperParameter("padding_idx", HyperParameter.Kind.INTEGER, null, false, Double.NaN, true,
                            Double.NaN, false, List.of(), "the padding id, in [-num_embeddings, num_embeddings)"
                                    + " (negative counts from the end): its row starts at zero, gets no gradient, and"
                                    + " marks the steps it fills as padding"));
        }

        @Override
        public Module create(LayerConfig config) {
            Shape in = config.input();
            if (config.index() != 0) {
                throw config.error(null, "must be the first layer: it takes token ids, and the layer before it"
                        + " (" + config.typesBefore().get(0) + ") gives values");
            }
            if (in.rank() != 1) {
                throw config.error(null, "takes token ids of shape [T], not " + in);
            }
            if (!config.has("num_embeddings")) {
                throw config.error("num_embeddings", "is not given, and no training data gives the vocabulary;"
                        + " give it in the spec");
            }
            int v = config.integer("num_embeddings");
            int e = config.integer("embedding_dim");
            Integer padding = config.has("padding_idx") ? config.integer("padding_idx") : null;
            if (padding != null && (padding < -v || padding >= v)) {
                throw config.error("padding_idx", "is " + padding + ", outside the vocabulary of " + v + " ids [-" + v
                        + ", " + v + ")");
            }
            config.reserve((long) v * e);
            return new Embedding(config.backend(), config.dtype(), in.size(), v, e, padding);
        }

        @Override
        public Map<String, Object> write(Module module) {
            if (!(module instanceof Embedding embedding)) {
                return null;
            }
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("num_embeddings", embedding.numEmbeddings());
            values.put("embedding_dim", embedding.embeddingDim());
            if (embedding.paddingIdx() >= 0) {
                values.put("padding_idx", embedding.paddingIdx());
            }
            return values;
        }
    }
}
