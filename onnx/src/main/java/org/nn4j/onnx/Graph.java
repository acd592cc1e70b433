package org.nn4j.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX graph being built, node after node in the order they run, and written as a {@code ModelProto}
 * ({@link #model}). Values are named as they are made ({@code t12}); constants are initializers, made
 * once per value.
 */
final class Graph {
    /** {@code TensorProto.DataType}s. */
    static final int FLOAT = 1;
    static final int INT64 = 7;
    static final int BOOL = 9;
    /** The symbolic first dimension of the graph's inputs and outputs. */
    static final String BATCH = "batch";

    private final List<Proto> nodes = new ArrayList<>();
    private final List<Proto> initializers = new ArrayList<>();
    private final List<Proto> inputs = new ArrayList<>();
    private final List<Proto> outputs = new ArrayList<>();
    private final Map<String, String> constants = new HashMap<>();
    private int next;

    /** A node of {@code type} on {@code inputs} ("" for an optional input left out), its attributes to add. */
    Node node(String type, String... inputs) {
        return new Node(type, inputs);
    }

    /** The one output of a node of {@code type} without attributes. */
    String op(String type, String... inputs) {
        return node(type, inputs).out();
    }

    /** A float initializer of {@code dims}, named after {@code name}. */
    String floats(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return initializer(name, FLOAT, raw.array(), dims);
    }

    /** A float scalar, one initializer per value. */
    String scalar(float value) {
        return constants.computeIfAbsent("f" + Float.floatToRawIntBits(value),
                k -> floats("scalar", new float[] {value}));
    }

    /** A one-dimensional int64 initializer of {@code values} (shapes, axes), one per value. */
    String ints(long... values) {
        return constants.computeIfAbsent("i" + java.util.Arrays.toString(values), k -> longs(values, values.length));
    }

    /** An int64 scalar (an index that drops its axis), one initializer per value. */
    String index(long value) {
        return constants.computeIfAbsent("s" + value, k -> longs(new long[] {value}));
    }

    private String longs(long[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return initializer("const", INT64, raw.array(), dims);
    }

    private String initializer(String name, int type, byte[] raw, long... dims) {
        String unique = name + "_" + next++;
        Proto tensor = new Proto();
        for (long d : dims) {
            tensor.integer(1, d);
        }
        initializers.add(tensor.integer(2, type).string(8, unique).bytes(9, raw));
        return unique;
    }

    /** Declares the graph input {@code name} of {@code type}, {@code [batch, dims...]}. */
    void input(String name, int type, List<Integer> dims) {
        inputs.add(valueInfo(name, type, dims));
    }

    /** Makes {@code value} the graph output {@code name}, {@code [batch, dims...]} floats. */
    void output(String name, String value, List<Integer> dims) {
        node("Identity", value).named(name);
        outputs.add(valueInfo(name, FLOAT, dims));
    }

    private static Proto valueInfo(String name, int type, List<Integer> dims) {
        Proto shape = new Proto().message(1, new Proto().string(2, BATCH));
        dims.forEach(d -> shape.message(1, new Proto().integer(1, d)));
        Proto tensorType = new Proto().integer(1, type).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /**
     * The {@code ModelProto}: IR version {@code irVersion}, the default domain's operator set {@code opset},
     * and {@code metadata} as its {@code metadata_props}.
     */
    byte[] model(String name, int irVersion, int opset, String doc, Map<String, String> metadata) {
        Proto graph = new Proto();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, name);
        initializers.forEach(t -> graph.message(5, t));
        inputs.forEach(i -> graph.message(11, i));
        outputs.forEach(o -> graph.message(12, o));
        Proto model = new Proto().integer(1, irVersion).string(2, "nn4j").string(6, doc).message(7, graph)
                .message(8, new Proto().string(1, "").integer(2, opset));
        metadata.forEach((k, v) -> model.message(14, new Proto().string(1, k).string(2, v)));
        return model.toBytes();
    }

    /** A node being made: attributes added, then its outputs named. */
    final class Node {
        private final String type;
        private final String[] inputs;
        private final List<Proto> attributes = new ArrayList<>();

        private Node(String type, String[] inputs) {
            this.type = type;
            this.inputs = inputs;
        }

        /** An int attribute. */
        Node attr(String name, long value) {
            attributes.add(new Proto().string(1, name).integer(20, 2).integer(3, value));
            return this;
        }

        /** A float attribute. */
        Node attr(String name, float value) {
            attributes.add(new Proto().string(1, name).integer(20, 1).float32(2, value));
            return this;
        }

        /** An ints attribute. */
        Node ints(String name, long... values) {
            Proto a = new Proto().string(1, name).integer(20, 7);
            for (long v : values) {
                a.integer(8, v);
            }
            attributes.add(a);
            return this;
        }

        /** The node, with one output. */
        String out() {
            return outs(1)[0];
        }

        /** The node, with {@code count} outputs. */
        String[] outs(int count) {
            String[] names = new String[count];
            for (int i = 0; i < count; i++) {
                names[i] = "t" + next++;
            }
            add(names);
            return names;
        }

        private void named(String output) {
            add(new String[] {output});
        }

        private void add(String[] outputs) {
            Proto node = new Proto();
            for (String in : inputs) {
                node.string(1, in);
            }
            for (String out : outputs) {
                node.string(2, out);
            }
            // Named, as ONNX Runtime's fusions name the nodes they make after the nodes they replace.
            node.string(3, "n" + nodes.size()).string(4, type);
            attributes.forEach(a -> node.message(5, a));
            nodes.add(node);
        }
    }
}
