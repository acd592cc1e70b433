package org.nn4j.nn.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.nn4j.api.ActivationKind;
import org.nn4j.io.InvalidInputException;
import org.nn4j.nn.Shape;

/**
 * The JSON description of a model, as layers of a {@code torch.nn.Sequential}:
 *
 * <pre>{@code
 * {"input": [784],
 *  "layers": [{"type": "linear", "out_features": 256}, {"type": "relu"},
 *             {"type": "dropout", "p": 0.2}, {"type": "linear", "out_features": 10}],
 *  "loss": "softmax_cross_entropy"}
 * }</pre>
 *
 * {@code input} is one example's shape; each layer has a {@code type} and that type's
 * hyper-parameters; {@code loss} is {@code softmax_cross_entropy} unless given. This class checks the
 * form; a {@link ModuleRegistry} checks types, hyper-parameters and shapes when it builds the model.
 * A model made in Java from layers ({@link org.nn4j.nn.Model#of}) has the spec its layers write.
 *
 * @param layers each layer's JSON object, {@code type} included
 */
public record ModelSpec(Shape input, List<ObjectNode> layers, String loss) {
    /** The loss of a spec that names none. */
    public static final String DEFAULT_LOSS = "softmax_cross_entropy";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Keeps copies of the layers. */
    public ModelSpec {
        List<ObjectNode> copies = new ArrayList<>();
        layers.forEach(layer -> copies.add(layer.deepCopy()));
        layers = List.copyOf(copies);
    }

    /** The layer at {@code index}: a copy, so the spec stays as it was made. */
    public ObjectNode layer(int index) {
        return layers.get(index).deepCopy();
    }

    /** The type of each layer, first to last. */
    public List<String> types() {
        return layers.stream().map(l -> l.path("type").asText()).toList();
    }

    /**
     * The multi-layer perceptron of nn4j's {@code --hidden} and {@code --activation}: a linear layer of
     * each hidden size followed by the activation, then a linear output layer.
     */
    public static ModelSpec mlp(int inputSize, List<Integer> hiddenSizes, int outputSize, ActivationKind activation,
            String loss) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        List<ObjectNode> layers = new ArrayList<>();
        for (int size : hiddenSizes) {
            layers.add(f.objectNode().put("type", "linear").put("out_features", size));
            layers.add(f.objectNode().put("type", activation.label()));
        }
        layers.add(f.objectNode().put("type", "linear").put("out_features", outputSize));
        return new ModelSpec(Shape.of(inputSize), layers, loss);
    }

    /**
     * A spec built in Java rather than JSON: {@code ModelSpec.builder(784).layer("linear",
     * "out_features", 256).layer("relu").layer("linear", "out_features", 10).build()}. To make a model
     * in Java, make its layers instead ({@code new Linear(backend, dtype, 784, 256)}, ...) and a model
     * of them ({@link org.nn4j.nn.Model#of}): the types are checked as the code compiles, and the spec
     * is written from the layers.
     *
     * @param input one example's shape
     */
    public static Builder builder(int... input) {
        return new Builder(Shape.of(input));
    }

    /** Builds a {@link ModelSpec} layer by layer; types and values are checked when the spec is built into a model. */
    public static final class Builder {
        private final Shape input;
        private final List<ObjectNode> layers = new ArrayList<>();
        private String loss = DEFAULT_LOSS;

        private Builder(Shape input) {
            this.input = input;
        }

        /**
         * Adds a layer of {@code type} with hyper-parameters given as name, value pairs: {@code
         * layer("dropout", "p", 0.2)}; values are numbers, booleans or strings.
         */
        public Builder layer(String type, Object... namesAndValues) {
            if (namesAndValues.length % 2 != 0) {
                throw new IllegalArgumentException("layer " + type + ": hyper-parameters come as name, value pairs");
            }
            ObjectNode layer = JsonNodeFactory.instance.objectNode().put("type", type);
            for (int i = 0; i < namesAndValues.length; i += 2) {
                layer.set(String.valueOf(namesAndValues[i]), JSON.valueToTree(namesAndValues[i + 1]));
            }
            layers.add(layer);
            return this;
        }

        /** The loss by name ({@code softmax_cross_entropy} unless set). */
        public Builder loss(String loss) {
            this.loss = loss;
            return this;
        }

        /** The spec. */
        public ModelSpec build() {
            if (layers.isEmpty()) {
                throw new IllegalArgumentException("a model spec needs at least one layer");
            }
            return new ModelSpec(input, layers, loss);
        }
    }

    /** Reads a spec file. */
    public static ModelSpec read(Path file) {
        return parse(org.nn4j.io.InputFiles.readJsonText(file, "a model spec"), file.toString());
    }

    /** Parses a spec; {@code where} names its source in messages. */
    public static ModelSpec parse(String json, String where) {
        return fromJson(org.nn4j.io.InputFiles.json(json, where), where);
    }

    /** The spec in {@code node} (an object with {@code input}, {@code layers} and optionally {@code loss}). */
    public static ModelSpec fromJson(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new InvalidInputException(where + ": a model spec must be a JSON object with keys input, layers"
                    + " and loss");
        }
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext();) {
            String key = keys.next();
            if (!List.of("input", "layers", "loss").contains(key)) {
                throw new InvalidInputException(where + ": unknown key '" + key + "' in the model spec; it takes input,"
                        + " layers and loss");
            }
        }
        Shape input = shape(node.get("input"), where);
        JsonNode layerNodes = node.get("layers");
        if (layerNodes == null || !layerNodes.isArray() || layerNodes.isEmpty()) {
            throw new InvalidInputException(where + ": 'layers' must be a non-empty list of layers such as"
                    + " {\"type\": \"linear\", \"out_features\": 10}");
        }
        List<ObjectNode> layers = new ArrayList<>();
        for (int i = 0; i < layerNodes.size(); i++) {
            JsonNode layer = layerNodes.get(i);
            if (!layer.isObject()) {
                throw new InvalidInputException(SpecErrors.layer(where, i, null) + "must be an object with a 'type',"
                        + " not " + layer);
            }
            JsonNode type = layer.get("type");
            if (type == null || !type.isTextual()) {
                throw new InvalidInputException(SpecErrors.layer(where, i, null) + "needs a 'type' string, such as"
                        + " \"linear\"");
            }
            layers.add((ObjectNode) layer);
        }
        JsonNode loss = node.get("loss");
        if (loss != null && !loss.isTextual()) {
            throw new InvalidInputException(where + ": 'loss' must be a string such as \"softmax_cross_entropy\", not "
                    + loss);
        }
        return new ModelSpec(input, layers, loss == null ? DEFAULT_LOSS : loss.asText());
    }

    /** This spec as JSON, as {@link #fromJson} reads it. */
    public ObjectNode toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode in = root.putArray("input");
        input.dims().forEach(in::add);
        ArrayNode list = root.putArray("layers");
        layers.forEach(l -> list.add(l.deepCopy()));
        root.put("loss", loss);
        return root;
    }

    @Override
    public String toString() {
        return toJson().toString();
    }

    /**
     * The model in one line: {@code [784] linear(out_features=256) relu linear(out_features=10),
     * softmax_cross_entropy}.
     */
    public String summary() {
        StringBuilder s = new StringBuilder(input.toString());
        for (int i = 0; i < layers.size(); i++) {
            s.append(' ').append(layerSummary(i));
        }
        return s.append(", ").append(loss).toString();
    }

    private static Shape shape(JsonNode node, String where) {
        String expected = "'input' must be one example's shape, a list of whole numbers of at least 1 such as [784]";
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new InvalidInputException(where + ": " + expected + (node == null ? "" : ", not " + node));
        }
        List<Integer> dims = new ArrayList<>();
        for (JsonNode d : node) {
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.asInt() < 1) {
                throw new InvalidInputException(where + ": " + expected + ", not " + node);
            }
            dims.add(d.asInt());
        }
        return new Shape(dims);
    }

    /** Values of one layer's keys other than {@code type}, in the spec's order. */
    /** Layer {@code index} in a few words: its type and hyper-parameters, {@code linear(out_features=256)}. */
    public String layerSummary(int index) {
        ObjectNode layer = layers.get(index);
        StringBuilder args = new StringBuilder();
        hyperParameters(layer).forEachRemaining(e -> args.append(args.length() == 0 ? "" : ", ").append(e.getKey())
                .append('=').append(e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        return layer.path("type").asText() + (args.length() > 0 ? "(" + args + ")" : "");
    }

    static Iterator<Map.Entry<String, JsonNode>> hyperParameters(ObjectNode layer) {
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        layer.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("type")) {
                entries.add(e);
            }
        });
        return entries.iterator();
    }
}
