package org.nn4j.nn.layers;

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
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/**
 * {@code torch.nn.MultiheadAttention(embed_dim, num_heads, dropout, bias, batch_first=True)} as
 * self-attention: input and output {@code [T, E]}; query, key and value are the input. One product over
 * the {@code (n * T) x E} view gives {@code [Q K V]} ({@code in_proj_weight}, {@code [3E, E]} with q, k, v
 * row blocks; {@code in_proj_bias}, {@code [3E]}); {@link Backend#attention} computes every head (column
 * blocks of {@code E / num_heads}), {@code softmax(Q K^T / sqrt(d))} leaving out padded keys (the mask
 * handed to it, PyTorch's {@code key_padding_mask}), with dropout on the probabilities in training; then
 * {@code out_proj.weight} ({@code [E, E]}) and {@code out_proj.bias}. Padded query steps are computed as
 * any other, attending to the real keys, as PyTorch's reference path computes them.
 *
 * <p>Initialised as PyTorch's: {@code in_proj_weight} Xavier-uniform over its {@code [3E, E]} shape, {@code
 * out_proj.weight} uniform on {@code ±1/sqrt(E)}, both biases 0.
 */
public final class MultiheadAttention extends Module {
    private static final long COLUMN_STRIDE = 0x9E3779B97F4A7C15L;

    private final Backend backend;
    private final DType dtype;
    private final int width;
    private final int heads;
    private final double dropout;
    private long salt;
    private final Parameter inWeight;
    private final Parameter inBias;
    private final Parameter outWeight;
    private final Parameter outBias;
    private final List<Parameter> parameters;
    private final Buffers projections;
    private final Buffers probabilities;
    private final Buffers masks;
    private final Buffers contexts;
    private final Buffers outputs;
    private final Buffers contextGrads;
    private final Buffers projectionGrads;
    private final Buffers inputGrads;
    private final Views views;
    /** Dropout masks' values, of two sizes: a run's batch size and its last, smaller batch. */
    private final double[][] maskValues = {new double[0], new double[0]};
    private SequenceMask mask;
    private boolean initialized;
    private int steps;
    private Matrix input;
    private Matrix qkv;
    private Matrix probs;
    private Matrix dropMask;
    private Matrix context;
    private int[] lengths;

    /** Self-attention of width {@code embedDim} in {@code numHeads} heads, as PyTorch's {@code MultiheadAttention(embed_dim, num_heads)}. */
    public MultiheadAttention(Backend backend, DType dtype, int embedDim, int numHeads) {
        this(backend, dtype, embedDim, numHeads, 0, true, Initialization.salt(0));
    }

    /**
     * As PyTorch's {@code MultiheadAttention(embed_dim, num_heads, dropout, bias)}.
     *
     * @param salt sets its dropout masks apart from other layers' (replaced by its place's when initialised)
     */
    public MultiheadAttention(Backend backend, DType dtype, int embedDim, int numHeads, double dropout, boolean bias,
            long salt) {
        if (numHeads < 1 || embedDim % numHeads != 0) {
            throw new IllegalArgumentException("multihead_attention: num_heads " + numHeads + " does not divide"
                    + " embed_dim " + embedDim);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("multihead_attention: dropout must be in [0, 1), not " + dropout);
        }
        this.backend = backend;
        this.dtype = dtype;
        this.width = embedDim;
        this.heads = numHeads;
        this.dropout = dropout;
        this.salt = salt;
        inWeight = new Parameter("in_proj_weight", backend.zeros(dtype, embedDim, 3 * embedDim),
                backend.zeros(dtype, embedDim, 3 * embedDim), TensorLayout.TRANSPOSED);
        inBias = bias ? new Parameter("in_proj_bias", backend.zeros(dtype, 1, 3 * embedDim),
                backend.zeros(dtype, 1, 3 * embedDim), TensorLayout.VECTOR) : null;
        outWeight = new Parameter("out_proj.weight", backend.zeros(dtype, embedDim, embedDim),
                backend.zeros(dtype, embedDim, embedDim), TensorLayout.TRANSPOSED);
        outBias = bias ? new Parameter("out_proj.bias", backend.zeros(dtype, 1, embedDim),
                backend.zeros(dtype, 1, embedDim), TensorLayout.VECTOR) : null;
        List<Parameter> all = new ArrayList<>();
        all.add(inWeight);
        if (bias) {
            all.add(inBias);
        }
        all.add(outWeight);
        if (bias) {
            all.add(outBias);
        }
        parameters = List.copyOf(all);
        projections = new Buffers(backend);
        probabilities = new Buffers(backend);
        masks = new Buffers(backend);
        contexts = new Buffers(backend);
        outputs = new Buffers(backend);
        contextGrads = new Buffers(backend);
        projectionGrads = new Buffers(backend);
        inputGrads = new Buffers(backend);
        views = new Views(backend);
    }

    /** The model's width {@code E}. */
    public int embedDim() {
        return width;
    }

    /** The heads, each of {@code E / numHeads} columns. */
    public int numHeads() {
        return heads;
    }

    /** The dropout probability on the attention probabilities, in training. */
    public double dropout() {
        return dropout;
    }

    /** Whether it has the two biases. */
    public boolean bias() {
        return inBias != null;
    }

    /** Keeps the mask of its input, whose padded keys it leaves out; its output has the same. */
    @Override
    public SequenceMask propagateMask(SequenceMask input) {
        this.mask = input;
        return input;
    }

    /** Draws the weights as PyTorch's {@code _reset_parameters} does, zeroes the biases, takes its place's salt. */
    @Override
    public void initialize(Initialization init) {
        initialize(init.random());
        salt = init.salt();
    }

    /** Draws the weights from {@code random} as PyTorch does and zeroes the biases. */
    void initialize(Random random) {
        double inBound = Math.sqrt(6.0 / (width + 3 * width));
        backend.copyIn(uniform(random, width * 3 * width, inBound), inWeight.value());
        backend.copyIn(uniform(random, width * width, 1 / Math.sqrt(width)), outWeight.value());
        if (inBias != null) {
            backend.fill(inBias.value(), 0);
            backend.fill(outBias.value(), 0);
        }
        initialized = true;
    }

    /** Sets the salt of its dropout masks (a transformer layer gives its own). */
    void salt(long salt) {
        this.salt = salt;
    }

    static double[] uniform(Random random, int count, double bound) {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = (2 * random.nextDouble() - 1) * bound;
        }
        return values;
    }

    @Override
    public Matrix forward(Matrix x, Pass pass) {
        if (!initialized) {
            throw new IllegalStateException(this + " has not been initialised: its weights are drawn when a Model"
                    + " is made of it (Model.of) or by initialize(seed)");
        }
        int n = x.rows();
        steps = x.cols() / width;
        int rows = n * steps;
        Matrix xs = views.of(x, rows, width);
        qkv = projections.get(dtype, rows, 3 * width);
        backend.gemm(false, false, 1, xs, inWeight.value(), 0, qkv);
        if (inBias != null) {
            backend.addRowVector(qkv, inBias.value(), qkv);
        }
        probs = probabilities.get(dtype, n * heads * steps, steps);
        context = contexts.get(dtype, rows, width);
        lengths = mask == null || mask.full() ? null : mask.lengths();
        dropMask = pass.training() && dropout > 0 ? drawMask(n, pass) : null;
        backend.attention(qkv, steps, heads, lengths, dropMask, probs, context);
        Matrix out = outputs.get(dtype, n, x.cols());
        Matrix outs = views.of(out, rows, width);
        backend.gemm(false, false, 1, context, outWeight.value(), 0, outs);
        if (outBias != null) {
            backend.addRowVector(outs, outBias.value(), outs);
        }
        input = x;
        return out;
    }

    /** Dropout's mask on the probabilities: example {@code e}'s values drawn from its row key, as Dropout draws. */
    private Matrix drawMask(int n, Pass pass) {
        int perExample = heads * steps * steps;
        double[] values = maskValues[0].length == n * perExample ? maskValues[0] : maskValues[1];
        if (values.length != n * perExample) {
            maskValues[1] = maskValues[0];
            values = maskValues[0] = new double[n * perExample];
        }
        double scale = 1 / (1 - dropout);
        for (int e = 0; e < n; e++) {
            long base = Pass.mix(pass.rowKey(e) ^ salt);
            for (int j = 0; j < perExample; j++) {
                values[e * perExample + j] = Pass.uniform(base + j * COLUMN_STRIDE) < dropout ? 0 : scale;
            }
        }
        Matrix m = masks.get(dtype, n * heads * steps, steps);
        backend.copyIn(values, m);
        return m;
    }

    @Override
    public Matrix backward(Matrix grad, boolean inputGradient) {
        int n = grad.rows();
        int rows = n * steps;
        Matrix grads = views.of(grad, rows, width);
        backend.gemm(true, false, 1, context, grads, 0, outWeight.grad());
        if (outBias != null) {
            backend.columnSums(grads, outBias.grad());
        }
        Matrix contextGrad = contextGrads.get(dtype, rows, width);
        backend.gemm(false, true, 1, grads, outWeight.value(), 0, contextGrad);
        Matrix qkvGrad = projectionGrads.get(dtype, rows, 3 * width);
        backend.attentionBackward(contextGrad, qkv, steps, heads, lengths, dropMask, probs, qkvGrad);
        backend.gemm(true, false, 1, views.of(input, rows, width), qkvGrad, 0, inWeight.grad());
        if (inBias != null) {
            backend.columnSums(qkvGrad, inBias.grad());
        }
        if (!inputGradient) {
            return null;
        }
        Matrix inputGrad = inputGrads.get(dtype, n, grad.cols());
        backend.gemm(false, true, 1, qkvGrad, inWeight.value(), 0, views.of(inputGrad, rows, width));
        return inputGrad;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.rank() != 2 || in.dims().get(1) != width) {
            throw new IllegalArgumentException("multihead_attention of width " + width + " takes input of shape [T, "
                    + width + "], not " + in);
        }
        return in;
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public String toString() {
        return "MultiheadAttention(embed_dim=" + width + ", num_heads=" + heads + ", dropout=" + dropout + ", bias="
                + bias() + ")";
    }

    /** The layer type {@code multihead_attention}. */
    public static final class Type implements LayerType {
        @Override
        public String name() {
            return "multihead_attention";
        }

        @Override
        public String description() {
            return "multi-head self-attention over the steps of [T, E], padded keys left out"
                    + " (torch.nn.MultiheadAttention, batch_first)";
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of(
                    HyperParameter.optionalInteger("embed_dim", 1, "the model's width E; inferred from the input"),
                    HyperParameter.requiredInteger("num_heads", 1, "heads, each of embed_dim / num_heads columns"),
                    HyperParameter.number("dropout", 0, 0, true, 1, false,
                            "dropout on the attention probabilities, in training"),
                    HyperParameter.bool("bias", true, "whether the input and output projections have biases"));
        }

        @Override
        public Module create(LayerConfig config) {
            int width = sequenceWidth(config);
            if (config.has("embed_dim") && config.integer("embed_dim") != width) {
                throw config.error("embed_dim", "is " + config.integer("embed_dim") + " but its input "
                        + config.input() + " has " + width + " features per step");
            }
            int heads = config.integer("num_heads");
            if (width % heads != 0) {
                throw config.error("num_heads", "is " + heads + ", which does not divide the width " + width);
            }
            boolean bias = config.bool("bias");
            config.reserve(3L * width * width, bias ? 3L * width : 0, (long) width * width, bias ? width : 0);
            return new MultiheadAttention(config.backend(), config.dtype(), width, heads, config.number("dropout"),
                    bias, config.randomSalt());
        }

        @Override
        public Map<String, Object> write(Module module) {
            if (!(module instanceof MultiheadAttention attention)) {
                return null;
            }
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("num_heads", attention.numHeads());
            if (attention.dropout() != 0) {
                values.put("dropout", attention.dropout());
            }
            if (!attention.bias()) {
                values.put("bias", false);
            }
            return values;
        }

        /** The {@code E} of a {@code [T, E]} input; anything else is the spec's error. */
        static int sequenceWidth(LayerConfig config) {
            Shape in = config.input();
            if (in.rank() != 2) {
                throw config.error(null, "takes a sequence of shape [T, E], not " + in);
            }
            return in.dims().get(1);
        }
    }
}
