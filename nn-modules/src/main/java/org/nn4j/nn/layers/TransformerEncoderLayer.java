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
import org.nn4j.nn.Pass;
import org.nn4j.nn.SequenceMask;
import org.nn4j.nn.Shape;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.LayerConfig;
import org.nn4j.nn.spec.LayerType;

/**
 * {@code torch.nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, activation,
 * layer_norm_eps, batch_first=True, norm_first)} on {@code [T, E]}: self-attention ({@link
 * MultiheadAttention}, {@code self_attn.*}, padded keys left out as with PyTorch's {@code
 * src_key_padding_mask}) and a feed-forward block per step ({@code linear1}: {@code E} to {@code
 * dim_feedforward}, relu or gelu, {@code linear2} back), each added to its input and normalised ({@code
 * norm1}, {@code norm2}: {@link LayerNorm}) after ({@code norm_first} false) or before the block:
 *
 * <pre>{@code
 * post: x = norm1(x + dropout1(self_attn(x)));  x = norm2(x + dropout2(linear2(dropout(act(linear1(x))))))
 * pre:  x = x + dropout1(self_attn(norm1(x)));  x = x + dropout2(linear2(dropout(act(linear1(norm2(x))))))
 * }</pre>
 *
 * <p>Padded query steps are computed as any other (attending to the real keys), as PyTorch's reference
 * path and its evaluation fast path for one layer compute them; {@code nn.TransformerEncoder}'s
 * nested-tensor path would give zeros there instead.
 *
 * <p>The four dropouts (the attention's included) have probability {@code dropout}, in training only.
 * Initialised as PyTorch's: the attention as {@link MultiheadAttention}, the linear layers' weights and
 * biases uniform on {@code ±1/sqrt(in_features)}, the norms at 1 and 0.
 */
public final class TransformerEncoderLayer extends Module {
    /** PyTorch's defaults. */
    static final int DEFAULT_FEEDFORWARD = 2048;
    static final double DEFAULT_DROPOUT = 0.1;
    private static final List<String> ACTIVATIONS = List.of("relu", "gelu");

    private final Backend backend;
    private final DType dtype;
    private final int width;
    private final int feedForward;
    private final double p;
    private final boolean gelu;
    private final boolean normFirst;
    private final MultiheadAttention attention;
    private final Linear linear1;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Map<String, Module> children;
    private Dropout dropout;
    private Dropout dropout1;
    private Dropout dropout2;
    private final Buffers sums1;
    private final Buffers sums2;
    private final Buffers hidden;
    private final Buffers activated;
    private final Buffers projected;
    private final Buffers hiddenGrads;
    private final Buffers activatedGrads;
    private final Buffers branchGrads;
    private final Buffers sumGrads;
    private final Buffers inputGrads;
    private final Views views;
    private boolean initialized;
    private int steps;
    private Matrix ffnInput;
    private Matrix preActivation;
    private Matrix activation;
    private Matrix dropped;

    /**
     * As PyTorch's {@code TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, activation,
     * layer_norm_eps, batch_first=True, norm_first)}; {@code gelu} picks the exact GELU over ReLU.
     *
     * @param salt sets its dropout masks apart from other layers' (replaced by its place's when initialised)
     */
    public TransformerEncoderLayer(Backend backend, DType dtype, int dModel, int nhead, int dimFeedforward,
            double dropout, boolean gelu, double layerNormEps, boolean normFirst, long salt) {
        this.backend = backend;
        this.dtype = dtype;
        this.width = dModel;
        this.feedForward = dimFeedforward;
        this.p = dropout;
        this.gelu = gelu;
        this.normFirst = normFirst;
        this.attention = new MultiheadAttention(backend, dtype, dModel, nhead, dropout, true, salt);
        this.linear1 = new Linear(backend, dtype, dModel, dimFeedforward);
        this.linear2 = new Linear(backend, dtype, dimFeedforward, dModel);
        this.norm1 = new LayerNorm(backend, dtype, dModel, layerNormEps, true);
        this.norm2 = new LayerNorm(backend, dtype, dModel, layerNormEps, true);
        Map<String, Module> named = new LinkedHashMap<>();
        named.put("self_attn", attention);
        named.put("linear1", linear1);
        named.put("linear2", linear2);
        named.put("norm1", norm1);
        named.put("norm2", norm2);
        this.children = java.util.Collections.unmodifiableMap(named);
        salts(salt);
        sums1 = new Buffers(backend);
        sums2 = new Buffers(backend);
        hidden = new Buffers(backend);
        activated = new Buffers(backend);
        projected = new Buffers(backend);
        hiddenGrads = new Buffers(backend);
        activatedGrads = new Buffers(backend);
        branchGrads = new Buffers(backend);
        sumGrads = new Buffers(backend);
        inputGrads = new Buffers(backend);
        views = new Views(backend);
    }

    private void salts(long salt) {
        attention.salt(Pass.mix(salt + 1));
        dropout = new Dropout(backend, p, Pass.mix(salt + 2));
        dropout1 = new Dropout(backend, p, Pass.mix(salt + 3));
        dropout2 = new Dropout(backend, p, Pass.mix(salt + 4));
    }

    /** The model's width. */
    public int dModel() {
        return width;
    }

    /** The attention's heads. */
    public int nhead() {
        return attention.numHeads();
    }

    /** The feed-forward block's width. */
    public int dimFeedforward() {
        return feedForward;
    }

    /** The probability of each of the four dropouts. */
    public double dropout() {
        return p;
    }

    /** Whether the feed-forward activation is GELU (else ReLU). */
    public boolean gelu() {
        return gelu;
    }

    /** The norms' eps. */
    public double layerNormEps() {
        return norm1.eps();
    }

    /** Whether the norms come before the blocks. */
    public boolean normFirst() {
        return normFirst;
    }

    @Override
    public Map<String, Module> children() {
        return children;
    }

    @Override
    public SequenceMask propagateMask(SequenceMask input) {
        attention.propagateMask(input);
        return input;
    }

    @Override
    public void initialize(Initialization init) {
        Random random = init.random();
        attention.initialize(random);
        for (Linear linear : new Linear[] {linear1, linear2}) {
            double bound = 1 / Math.sqrt(linear.inFeatures());
            // PyTorch's [out, in] weight, drawn row by row, is nn4j's in x out matrix transposed.
            double[] drawn = MultiheadAttention.uniform(random, linear.inFeatures() * linear.outFeatures(), bound);
            double[] weight = new double[drawn.length];
            for (int o = 0; o < linear.outFeatures(); o++) {
                for (int i = 0; i < linear.inFeatures(); i++) {
                    weight[i * linear.outFeatures() + o] = drawn[o * linear.inFeatures() + i];
                }
            }
            backend.copyIn(weight, linear.weight().value());
            backend.copyIn(MultiheadAttention.uniform(random, linear.outFeatures(), bound), linear.bias().value());
        }
        norm1.initialize(init);
        norm2.initialize(init);
        salts(init.salt());
        initialized = true;
    }

    @Override
    public Matrix forward(Matrix x, Pass pass) {
        if (!initialized) {
            throw new IllegalStateException(this + " has not been initialised: its weights are drawn when a Model"
                    + " is made of it (Model.of) or by initialize(seed)");
        }
        int n = x.rows();
        steps = x.cols() / width;
        Matrix first = sums1.get(dtype, n, x.cols());
        Matrix second = sums2.get(dtype, n, x.cols());
        if (normFirst) {
            Matrix attended = dropout1.forward(attention.forward(norm1.forward(x, pass), pass), pass);
            backend.axpby(1, x, 1, attended, first);
            backend.axpby(1, first, 1, feedForward(norm2.forward(first, pass), pass), second);
            return second;
        }
        Matrix attended = dropout1.forward(attention.forward(x, pass), pass);
        backend.axpby(1, x, 1, attended, first);
        Matrix normed = norm1.forward(first, pass);
        backend.axpby(1, normed, 1, feedForward(normed, pass), second);
        return norm2.forward(second, pass);
    }

    /** {@code dropout2(linear2(dropout(act(linear1(x)))))} for an {@code n x (T * E)} batch. */
    private Matrix feedForward(Matrix x, Pass pass) {
        int n = x.rows();
        int rows = n * steps;
        ffnInput = x;
        preActivation = hidden.get(dtype, n, steps * feedForward);
        activation = activated.get(dtype, n, steps * feedForward);
        linear1.forward(views.of(x, rows, width), views.of(preActivation, rows, feedForward));
        if (gelu) {
            backend.gelu(false, preActivation, activation);
        } else {
            backend.activation(ActivationKind.RELU, preActivation, activation);
        }
        dropped = dropout.forward(activation, pass);
        Matrix out = projected.get(dtype, n, steps * width);
        linear2.forward(views.of(dropped, rows, feedForward), views.of(out, rows, width));
        return dropout2.forward(out, pass);
    }

    /** The feed-forward block's input gradient for its output's {@code grad}; its parameters' gradients written. */
    private Matrix feedForwardBackward(Matrix grad) {
        int n = grad.rows();
        int rows = n * steps;
        Matrix g = dropout2.backward(grad, true);
        Matrix droppedGrad = activatedGrads.get(dtype, n, steps * feedForward);
        linear2.backward(views.of(dropped, rows, feedForward), views.of(g, rows, width),
                views.of(droppedGrad, rows, feedForward), linear2.weight().grad(), linear2.bias().grad());
        Matrix activationGrad = dropout.backward(droppedGrad, true);
        Matrix preGrad = hiddenGrads.get(dtype, n, steps * feedForward);
        if (gelu) {
            backend.geluBackward(false, preActivation, activationGrad, preGrad);
        } else {
            backend.activationBackward(ActivationKind.RELU, preActivation, activation, activationGrad, preGrad);
        }
        Matrix inputGrad = branchGrads.get(dtype, n, steps * width);
        linear1.backward(views.of(ffnInput, rows, width), views.of(preGrad, rows, feedForward),
                views.of(inputGrad, rows, width), linear1.weight().grad(), linear1.bias().grad());
        return inputGrad;
    }

    @Override
    public Matrix backward(Matrix grad, boolean inputGradient) {
        int n = grad.rows();
        Matrix sumGrad = sumGrads.get(dtype, n, grad.cols());
        Matrix inputGrad = inputGrads.get(dtype, n, grad.cols());
        if (normFirst) {
            // out = s1 + ffn(norm2(s1)); s1 = x + attn(norm1(x)).
            Matrix viaNorm2 = norm2.backward(feedForwardBackward(grad), true);
            backend.axpby(1, grad, 1, viaNorm2, sumGrad);
            Matrix viaNorm1 = norm1.backward(attention.backward(dropout1.backward(sumGrad, true), true), true);
            backend.axpby(1, sumGrad, 1, viaNorm1, inputGrad);
            return inputGradient ? inputGrad : null;
        }
        // out = norm2(h + ffn(h)), h = norm1(x + attn(x)).
        Matrix secondGrad = norm2.backward(grad, true);
        Matrix viaFfn = feedForwardBackward(secondGrad);
        backend.axpby(1, secondGrad, 1, viaFfn, sumGrad);
        Matrix firstGrad = norm1.backward(sumGrad, true);
        Matrix viaAttention = attention.backward(dropout1.backward(firstGrad, true), true);
        backend.axpby(1, firstGrad, 1, viaAttention, inputGrad);
        return inputGradient ? inputGrad : null;
    }

    @Override
    public Shape outputShape(Shape in) {
        return attention.outputShape(in);
    }

    @Override
    public String toString() {
        return "TransformerEncoderLayer(d_model=" + width + ", nhead=" + nhead() + ", dim_feedforward=" + feedForward
                + ", dropout=" + p + ", activation=" + (gelu ? "gelu" : "relu") + ", norm_first=" + normFirst + ")";
    }

    /** The layer type {@code transformer_encoder_layer}. */
    public static final class Type implements LayerType {
        @Override
        public String name() {
            return "transformer_encoder_layer";
        }

        @Override
        public String description() {
            return "self-attention and a feed-forward block, each with a residual and a layer norm, on [T, E]"
                    + " (torch.nn.TransformerEncoderLayer, batch_first)";
        }

        @Override
        public List<HyperParameter> hyperParameters() {
            return List.of(
                    HyperParameter.optionalInteger("d_model", 1, "the model's width E; inferred from the input"),
                    HyperParameter.requiredInteger("nhead", 1, "attention heads, each of d_model / nhead columns"),
                    HyperParameter.optionalInteger("dim_feedforward", 1, "the feed-forward block's width (2048)"),
                    HyperParameter.number("dropout", DEFAULT_DROPOUT, 0, true, 1, false,
                            "probability of each dropout, in training"),
                    HyperParameter.choice("activation", "relu", ACTIVATIONS, "the feed-forward activation"),
                    HyperParameter.number("layer_norm_eps", LayerNorm.DEFAULT_EPS, 0, false, Double.NaN, false,
                            "the norms' eps"),
                    HyperParameter.bool("norm_first", false, "whether the norms come before the blocks"));
        }

        @Override
        public Module create(LayerConfig config) {
            int width = MultiheadAttention.Type.sequenceWidth(config);
            if (config.has("d_model") && config.integer("d_model") != width) {
                throw config.error("d_model", "is " + config.integer("d_model") + " but its input " + config.input()
                        + " has " + width + " features per step");
            }
            int heads = config.integer("nhead");
            if (width % heads != 0) {
                throw config.error("nhead", "is " + heads + ", which does not divide the width " + width);
            }
            int ff = config.has("dim_feedforward") ? config.integer("dim_feedforward") : DEFAULT_FEEDFORWARD;
            config.reserve(4L * width * width, 4L * width, 2L * width * ff, ff + width, 4L * width);
            return new TransformerEncoderLayer(config.backend(), config.dtype(), width, heads, ff,
                    config.number("dropout"), config.string("activation").equals("gelu"),
                    config.number("layer_norm_eps"), config.bool("norm_first"), config.randomSalt());
        }

        @Override
        public Map<String, Object> write(Module module) {
            if (!(module instanceof TransformerEncoderLayer layer)) {
                return null;
            }
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("nhead", layer.nhead());
            if (layer.dimFeedforward() != DEFAULT_FEEDFORWARD) {
                values.put("dim_feedforward", layer.dimFeedforward());
            }
            if (layer.dropout() != DEFAULT_DROPOUT) {
                values.put("dropout", layer.dropout());
            }
            if (layer.gelu()) {
                values.put("activation", "gelu");
            }
            if (layer.layerNormEps() != LayerNorm.DEFAULT_EPS) {
                values.put("layer_norm_eps", layer.layerNormEps());
            }
            if (layer.normFirst()) {
                values.put("norm_first", true);
            }
            return values;
        }
    }
}
