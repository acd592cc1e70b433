package org.nn4j.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.nn4j.api.Window2d;
import org.nn4j.io.InvalidInputException;
import org.nn4j.nn.Module;
import org.nn4j.nn.Shape;
import org.nn4j.nn.TensorData;
import org.nn4j.nn.layers.ActivationLayer;
import org.nn4j.nn.layers.BatchNorm1d;
import org.nn4j.nn.layers.BatchNorm2d;
import org.nn4j.nn.layers.Conv2d;
import org.nn4j.nn.layers.Dropout;
import org.nn4j.nn.layers.Flatten;
import org.nn4j.nn.layers.Gelu;
import org.nn4j.nn.layers.LayerNorm;
import org.nn4j.nn.layers.LeakyReLU;
import org.nn4j.nn.layers.Linear;
import org.nn4j.nn.layers.Pool2d;
import org.nn4j.nn.spec.HyperParameter;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * Each layer of a model as ONNX nodes, in evaluation mode, on {@code [batch, ...]} float values; the
 * weights come from the model's {@code state_dict} (PyTorch's layouts), the settings from the layer
 * modules and the spec. The sequence layers are {@link Sequences}'.
 */
final class Layers {
    private final Graph g;
    private final Map<String, TensorData> state;
    private final ModelSpec spec;
    private final ModuleRegistry registry;
    private final Sequences sequences;

    Layers(Graph graph, Map<String, TensorData> state, ModelSpec spec, ModuleRegistry registry) {
        this.g = graph;
        this.state = state;
        this.spec = spec;
        this.registry = registry;
        this.sequences = new Sequences(graph, this);
    }

    /** The {@code Reshape} target of a batch of examples of {@code shape}: 0 (the batch, kept), then its dims. */
    static long[] batchShape(Shape shape) {
        long[] dims = new long[shape.rank() + 1];
        for (int d = 0; d < shape.rank(); d++) {
            dims[d + 1] = shape.dims().get(d);
        }
        return dims;
    }

    /**
     * Layer {@code i}, {@code module}, on {@code x}, whose examples have shape {@code in}; returns its output.
     *
     * @throws InvalidInputException naming the layer, for a type of another jar
     */
    String add(int i, Module module, String x, Shape in) {
        String p = i + ".";
        if (module instanceof Linear) {
            return linear(x, p);
        } else if (module instanceof ActivationLayer a) {
            return g.op(switch (a.kind()) {
                case SIGMOID -> "Sigmoid";
                case TANH -> "Tanh";
                case RELU -> "Relu";
            }, x);
        } else if (module instanceof LeakyReLU leaky) {
            return g.node("LeakyRelu", x).attr("alpha", (float) leaky.negativeSlope()).out();
        } else if (module instanceof Gelu gelu) {
            return gelu(x, gelu.tanhApproximation());
        } else if (module instanceof Dropout) {
            return x;
        } else if (module instanceof Flatten) {
            sequences.endMask();
            return g.op("Reshape", x, g.ints(0, -1));
        } else if (module instanceof BatchNorm1d || module instanceof BatchNorm2d) {
            return batchNorm(x, p, number(i, "eps"), in.rank());
        } else if (module instanceof Conv2d conv) {
            Window2d w = conv.window();
            Graph.Node node = state.containsKey(p + "bias") ? g.node("Conv", x, tensor(p + "weight"), tensor(p + "bias"))
                    : g.node("Conv", x, tensor(p + "weight"));
            return window(node, w).out();
        } else if (module instanceof Pool2d pool) {
            Graph.Node node = window(g.node(pool.isMax() ? "MaxPool" : "AveragePool", x), pool.window());
            // nn4j's average counts the padding as zeros, as PyTorch's does by default.
            return (pool.isMax() ? node : node.attr("count_include_pad", 1L)).out();
        } else if (module instanceof LayerNorm norm) {
            return layerNorm(x, p, norm.eps(), norm.features());
        }
        String out = sequences.add(i, module, x, in);
        if (out == null) {
            throw new InvalidInputException("layers[" + i + "] (" + spec.types().get(i) + "): no ONNX export for this"
                    + " layer type (" + module.getClass().getName() + "); nn4j exports its built-in layer types only");
        }
        return out;
    }

    private static Graph.Node window(Graph.Node node, Window2d w) {
        return node.ints("kernel_shape", w.kernelHeight(), w.kernelWidth())
                .ints("strides", w.strideHeight(), w.strideWidth())
                .ints("pads", w.paddingHeight(), w.paddingWidth(), w.paddingHeight(), w.paddingWidth());
    }

    /** {@code x W^T + b} on the last axis, from the {@code state_dict}'s {@code weight} ({@code [out, in]}) and {@code bias}. */
    String linear(String x, String prefix) {
        return linear(x, prefix + "weight", prefix + "bias");
    }

    /** {@code x W^T + b} on the last axis, {@code W} the tensor {@code weight}, {@code b} {@code bias} (null or absent: none). */
    String linear(String x, String weight, String bias) {
        String y = g.op("MatMul", x, transposed(weight));
        return bias != null && state.containsKey(bias) ? g.op("Add", y, tensor(bias)) : y;
    }

    /** The {@code [rows, cols]} tensor {@code name} transposed, {@code [cols, rows]}: the right operand of a product. */
    String transposed(String name) {
        TensorData w = state.get(name);
        int rows = (int) w.shape()[0];
        int cols = (int) w.shape()[1];
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = (float) w.values()[r * cols + c];
            }
        }
        return g.floats(name + ".T", t, cols, rows);
    }

    /** LayerNormalization over the last axis, with the {@code state_dict}'s weight and bias where it has them. */
    String layerNorm(String x, String prefix, double eps, int features) {
        String scale;
        if (state.containsKey(prefix + "weight")) {
            scale = tensor(prefix + "weight");
        } else {
            float[] ones = new float[features];
            java.util.Arrays.fill(ones, 1);
            scale = g.floats("ones", ones, features);
        }
        Graph.Node node = state.containsKey(prefix + "bias") ? g.node("LayerNormalization", x, scale,
                tensor(prefix + "bias")) : g.node("LayerNormalization", x, scale);
        return node.attr("axis", -1L).attr("epsilon", (float) eps).out();
    }

    /** GELU as nn4j computes it: {@code x Phi(x)} by erf, or its tanh approximation. */
    String gelu(String x, boolean tanh) {
        String inner;
        if (tanh) {
            String cube = g.op("Mul", g.op("Mul", x, x), x);
            String sum = g.op("Add", x, g.op("Mul", cube, g.scalar(0.044715f)));
            inner = g.op("Tanh", g.op("Mul", sum, g.scalar((float) Math.sqrt(2 / Math.PI))));
        } else {
            inner = g.op("Erf", g.op("Mul", x, g.scalar((float) Math.sqrt(0.5))));
        }
        return g.op("Mul", g.op("Mul", x, g.op("Add", inner, g.scalar(1))), g.scalar(0.5f));
    }

    /**
     * Batch normalisation by the running statistics, step by step as nn4j takes them: {@code x - mean}, times
     * {@code 1 / sqrt(var + eps)} (computed in float64, kept in float32), times the weight, plus the bias.
     */
    private String batchNorm(String x, String p, double eps, int rank) {
        double[] var = state.get(p + "running_var").values();
        int c = var.length;
        long[] dims = rank == 3 ? new long[] {c, 1, 1} : new long[] {c};
        float[] inv = new float[c];
        for (int j = 0; j < c; j++) {
            inv[j] = (float) (1 / Math.sqrt(var[j] + eps));
        }
        String y = g.op("Sub", x, g.floats(p + "running_mean", floats(state.get(p + "running_mean")), dims));
        y = g.op("Mul", y, g.floats(p + "inv_std", inv, dims));
        if (state.containsKey(p + "weight")) {
            y = g.op("Mul", y, g.floats(p + "weight", floats(state.get(p + "weight")), dims));
            y = g.op("Add", y, g.floats(p + "bias", floats(state.get(p + "bias")), dims));
        }
        return y;
    }

    /** The {@code state_dict} tensor {@code name} as a float initializer of its shape. */
    String tensor(String name) {
        TensorData t = state.get(name);
        if (t == null) {
            throw new IllegalStateException("the state_dict has no tensor '" + name + "'");
        }
        return g.floats(name, floats(t), t.shape());
    }

    /** The {@code state_dict} tensor {@code name}'s values, or null when there is none. */
    double[] values(String name) {
        TensorData t = state.get(name);
        return t == null ? null : t.values();
    }

    static float[] floats(TensorData t) {
        return floats(t.values());
    }

    static float[] floats(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    /** Layer {@code i}'s number {@code key}: the spec's, else its layer type's default. */
    private double number(int i, String key) {
        JsonNode given = spec.layer(i).get(key);
        if (given != null) {
            return given.asDouble();
        }
        for (HyperParameter h : registry.layerType(spec.types().get(i)).hyperParameters()) {
            if (h.name().equals(key)) {
                return ((Number) h.defaultValue()).doubleValue();
            }
        }
        throw new IllegalStateException(spec.types().get(i) + " has no '" + key + "'");
    }
}
