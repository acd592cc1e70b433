package org.nn4j.onnx;

import java.util.HashMap;
import java.util.Map;
import org.nn4j.api.RecurrentCell;
import org.nn4j.api.StepPooling;
import org.nn4j.nn.Module;
import org.nn4j.nn.Shape;
import org.nn4j.nn.layers.Embedding;
import org.nn4j.nn.layers.MultiheadAttention;
import org.nn4j.nn.layers.PositionalEmbedding;
import org.nn4j.nn.layers.Recurrent;
import org.nn4j.nn.layers.SequencePool;
import org.nn4j.nn.layers.TransformerEncoderLayer;

/**
 * The sequence layers as ONNX nodes on {@code [batch, T, F]} values, padding treated as nn4j treats it: an
 * {@code embedding} with a {@code padding_idx} makes the mask of real steps (those before a row's first
 * padding id, {@link org.nn4j.nn.SequenceMask}), which recurrent layers, attention and {@code
 * sequence_pool} read, and a flatten or pooling ends. ONNX's own RNN operators are not used: a padded
 * row's reverse direction and a row of no real steps are nn4j's, so the steps are unrolled, each masked
 * step keeping the state and giving zeros.
 */
final class Sequences {
    /** Stands for minus infinity in masked scores: its exponential is 0, and a row of only these stays finite. */
    private static final float MASKED = -1e30f;

    private final Graph g;
    private final Layers layers;
    private Mask mask;

    Sequences(Graph graph, Layers layers) {
        this.g = graph;
        this.layers = layers;
    }

    /** Layer {@code i}, {@code module}, on {@code x} of examples {@code in}; null when it is not a sequence layer. */
    String add(int i, Module module, String x, Shape in) {
        String p = i + ".";
        if (module instanceof Embedding e) {
            // Gather counts a negative id from the end; made one past the last id, it fails as nn4j refuses it.
            String ids = g.op("Where", g.op("Less", x, g.index(0)), g.index(e.numEmbeddings()), x);
            String out = g.node("Gather", layers.tensor(p + "weight"), ids).attr("axis", 0L).out();
            mask = e.paddingIdx() >= 0 ? new Mask(x, e.paddingIdx(), e.steps()) : null;
            return out;
        } else if (module instanceof PositionalEmbedding) {
            return g.op("Add", x, layers.tensor(p + "weight"));
        } else if (module instanceof Recurrent r) {
            return recurrent(x, p, r, in.dims().get(0));
        } else if (module instanceof MultiheadAttention a) {
            return attention(x, p, in, a.numHeads());
        } else if (module instanceof TransformerEncoderLayer t) {
            return transformer(x, p, in, t);
        } else if (module instanceof SequencePool pool) {
            String out = pool(x, pool.mode(), in.dims().get(0));
            mask = null;
            return out;
        }
        return null;
    }

    /** The steps end (a flatten): what comes after has no mask. */
    void endMask() {
        mask = null;
    }

    private String recurrent(String x, String p, Recurrent r, int steps) {
        int directions = r.bidirectional() ? 2 : 1;
        String input = x;
        for (int k = 0; k < r.numLayers(); k++) {
            String[] outputs = new String[directions];
            for (int d = 0; d < directions; d++) {
                outputs[d] = direction(input, p, "_l" + k + (d == 1 ? "_reverse" : ""), r.cell(), r.hiddenSize(),
                        steps, d == 1);
            }
            // Dropout between layers is the identity in evaluation.
            input = directions == 1 ? outputs[0] : g.node("Concat", outputs).attr("axis", 2L).out();
        }
        return input;
    }

    /** One direction of one layer: every step's hidden state, {@code [batch, T, H]}. */
    private String direction(String x, String p, String suffix, RecurrentCell cell, int hidden, int steps,
            boolean reverse) {
        double[] bih = layers.values(p + "bias_ih" + suffix);
        double[] bhh = layers.values(p + "bias_hh" + suffix);
        String projections = layers.linear(x, p + "weight_ih" + suffix, null);
        String hiddenBias = null;
        if (bih != null && cell != RecurrentCell.GRU) {
            // b_ih and b_hh act as one bias where every gate adds its hidden product unscaled.
            float[] sum = new float[bih.length];
            for (int j = 0; j < sum.length; j++) {
                sum[j] = (float) bih[j] + (float) bhh[j];
            }
            projections = g.op("Add", projections, g.floats(p + "bias" + suffix, sum, sum.length));
        } else if (bih != null) {
            projections = g.op("Add", projections, layers.tensor(p + "bias_ih" + suffix));
            hiddenBias = layers.tensor(p + "bias_hh" + suffix);
        }
        String whh = layers.transposed(p + "weight_hh" + suffix);
        String h = null;
        String c = null;
        String[] outputs = new String[steps];
        for (int s = 0; s < steps; s++) {
            int t = reverse ? steps - 1 - s : s;
            String xt = g.node("Gather", projections, g.index(t)).attr("axis", 1L).out();
            String hw = h == null ? null : g.op("MatMul", h, whh);
            String next;
            String nextCell = null;
            if (cell == RecurrentCell.LSTM) {
                String[] gates = g.node("Split", hw == null ? xt : g.op("Add", xt, hw)).attr("axis", -1L).outs(4);
                String in = g.op("Sigmoid", gates[0]);
                String candidate = g.op("Mul", in, g.op("Tanh", gates[2]));
                nextCell = c == null ? candidate : g.op("Add", g.op("Mul", g.op("Sigmoid", gates[1]), c), candidate);
                next = g.op("Mul", g.op("Sigmoid", gates[3]), g.op("Tanh", nextCell));
            } else if (cell == RecurrentCell.GRU) {
                next = gru(xt, hw == null ? hiddenBias : hiddenBias == null ? hw : g.op("Add", hw, hiddenBias), h);
            } else {
                String sum = hw == null ? xt : g.op("Add", xt, hw);
                next = g.op(cell == RecurrentCell.RNN_RELU ? "Relu" : "Tanh", sum);
            }
            if (mask != null) {
                // A padded step keeps the state and outputs zeros; the reverse direction so starts at the last real step.
                String real = mask.step(t);
                outputs[t] = g.op("Where", real, next, g.scalar(0));
                h = h == null ? outputs[t] : g.op("Where", real, next, h);
                c = nextCell == null ? null : g.op("Where", real, nextCell, c == null ? g.scalar(0) : c);
            } else {
                outputs[t] = next;
                h = next;
                c = nextCell;
            }
        }
        String all = g.node("Concat", outputs).attr("axis", 1L).out();
        return g.op("Reshape", all, g.ints(0, steps, hidden));
    }

    /** A GRU step from the input projections {@code xt} and the hidden ones {@code gh} (null: none, h is 0). */
    private String gru(String xt, String gh, String h) {
        String[] x = g.node("Split", xt).attr("axis", -1L).outs(3);
        String[] hh = gh == null ? null : g.node("Split", gh).attr("axis", -1L).outs(3);
        String z = g.op("Sigmoid", hh == null ? x[1] : g.op("Add", x[1], hh[1]));
        String n;
        if (hh == null) {
            n = g.op("Tanh", x[2]);
        } else {
            String r = g.op("Sigmoid", g.op("Add", x[0], hh[0]));
            n = g.op("Tanh", g.op("Add", x[2], g.op("Mul", r, hh[2])));
        }
        String kept = g.op("Mul", g.op("Sub", g.scalar(1), z), n);
        return h == null ? kept : g.op("Add", kept, g.op("Mul", z, h));
    }

    /** Self-attention of {@code MultiheadAttention}'s tensors under {@code p}, written out head by head at once. */
    private String attention(String x, String p, Shape in, int heads) {
        int steps = in.dims().get(0);
        int width = in.dims().get(1);
        int d = width / heads;
        String qkv = layers.linear(x, p + "in_proj_weight", p + "in_proj_bias");
        String[] parts = g.node("Split", qkv).attr("axis", 2L).outs(3);
        String byHead = g.ints(0, steps, heads, d);
        String q = g.node("Transpose", g.op("Reshape", parts[0], byHead)).ints("perm", 0, 2, 1, 3).out();
        String kt = g.node("Transpose", g.op("Reshape", parts[1], byHead)).ints("perm", 0, 2, 3, 1).out();
        String v = g.node("Transpose", g.op("Reshape", parts[2], byHead)).ints("perm", 0, 2, 1, 3).out();
        String scores = g.op("Mul", g.op("MatMul", q, kt), g.scalar((float) (1 / Math.sqrt(d))));
        String probabilities;
        if (mask != null) {
            // Padded keys left out; a row with no real key gets zeros, as nn4j's attention gives (not NaN).
            String keys = mask.keys();
            scores = g.op("Where", keys, scores, g.scalar(MASKED));
            probabilities = g.op("Mul", g.node("Softmax", scores).attr("axis", -1L).out(),
                    g.node("Cast", keys).attr("to", (long) Graph.FLOAT).out());
        } else {
            probabilities = g.node("Softmax", scores).attr("axis", -1L).out();
        }
        String context = g.node("Transpose", g.op("MatMul", probabilities, v)).ints("perm", 0, 2, 1, 3).out();
        return layers.linear(g.op("Reshape", context, g.ints(0, steps, width)), p + "out_proj.weight",
                p + "out_proj.bias");
    }

    private String transformer(String x, String p, Shape in, TransformerEncoderLayer t) {
        int width = in.dims().get(1);
        String attn = p + "self_attn.";
        if (t.normFirst()) {
            String first = g.op("Add", x, attention(layers.layerNorm(x, p + "norm1.", t.layerNormEps(), width), attn, in,
                    t.nhead()));
            return g.op("Add", first, feedForward(layers.layerNorm(first, p + "norm2.", t.layerNormEps(), width), p,
                    t.gelu()));
        }
        String first = layers.layerNorm(g.op("Add", x, attention(x, attn, in, t.nhead())), p + "norm1.",
                t.layerNormEps(), width);
        return layers.layerNorm(g.op("Add", first, feedForward(first, p, t.gelu())), p + "norm2.", t.layerNormEps(),
                width);
    }

    private String feedForward(String x, String p, boolean gelu) {
        String hidden = layers.linear(x, p + "linear1.");
        hidden = gelu ? layers.gelu(hidden, false) : g.op("Relu", hidden);
        return layers.linear(hidden, p + "linear2.");
    }

    /** {@code sequence_pool}: the mean, max or last of each row's real steps; zeros for a row of none. */
    private String pool(String x, StepPooling mode, int steps) {
        if (mask == null) {
            return switch (mode) {
                case MEAN -> g.node("ReduceMean", x).ints("axes", 1).attr("keepdims", 0L).out();
                case MAX -> g.node("ReduceMax", x).ints("axes", 1).attr("keepdims", 0L).out();
                case LAST -> g.node("Gather", x, g.index(steps - 1)).attr("axis", 1L).out();
            };
        }
        String real = mask.steps();
        switch (mode) {
            case MEAN:
                String sum = g.node("ReduceSum", g.op("Where", real, x, g.scalar(0)), g.ints(1)).attr("keepdims", 0L)
                        .out();
                return g.op("Div", sum, g.op("Max", mask.lengths, g.scalar(1)));
            case MAX:
                String max = g.node("ReduceMax", g.op("Where", real, x, g.scalar(Float.NEGATIVE_INFINITY)))
                        .ints("axes", 1).attr("keepdims", 0L).out();
                return g.op("Where", g.op("Greater", mask.lengths, g.scalar(0)), max, g.scalar(0));
            default:
                float[] positions = new float[steps];
                for (int t = 0; t < steps; t++) {
                    positions[t] = t;
                }
                String last = g.op("Equal", g.floats("steps", positions, steps), g.op("Sub", mask.lengths,
                        g.scalar(1)));
                String picked = g.op("Where", g.op("Unsqueeze", last, g.ints(2)), x, g.scalar(0));
                return g.node("ReduceSum", picked, g.ints(1)).attr("keepdims", 0L).out();
        }
    }

    /** Which steps of each row are real, from the token ids: those before the row's first padding id. */
    private final class Mask {
        /** {@code [batch, T]} bool. */
        private final String real;
        /** The real steps of each row, {@code [batch, 1]} float. */
        private final String lengths;
        private final int steps;
        private final Map<Integer, String> byStep = new HashMap<>();
        private String keys;
        private String real3;

        Mask(String ids, int paddingIdx, int steps) {
            this.steps = steps;
            String padding = g.node("Cast", g.op("Equal", ids, g.index(paddingIdx))).attr("to", (long) Graph.INT64)
                    .out();
            // A step is real while no padding id has come yet: the running count of padding ids is 0.
            real = g.op("Equal", g.op("CumSum", padding, g.index(1)), g.index(0));
            String ones = g.node("Cast", real).attr("to", (long) Graph.FLOAT).out();
            lengths = g.node("ReduceSum", ones, g.ints(1)).attr("keepdims", 1L).out();
        }

        /** Step {@code t}'s column, {@code [batch, 1]}. */
        String step(int t) {
            return byStep.computeIfAbsent(t, k -> g.node("Gather", real, g.ints(t)).attr("axis", 1L).out());
        }

        /** The real keys, {@code [batch, 1, 1, T]}, against scores {@code [batch, heads, T, T]}. */
        String keys() {
            if (keys == null) {
                keys = g.op("Reshape", real, g.ints(0, 1, 1, steps));
            }
            return keys;
        }

        /** The real steps, {@code [batch, T, 1]}, against values {@code [batch, T, F]}. */
        String steps() {
            if (real3 == null) {
                real3 = g.op("Unsqueeze", real, g.ints(2));
            }
            return real3;
        }
    }
}
