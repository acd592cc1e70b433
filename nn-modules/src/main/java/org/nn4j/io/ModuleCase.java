package org.nn4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Loss;
import org.nn4j.nn.Mode;
import org.nn4j.nn.Model;
import org.nn4j.nn.Parameter;
import org.nn4j.nn.Pass;
import org.nn4j.nn.TensorData;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * One forward and backward pass of a model spec with given state, in the module format of {@code nn
 * gradients --spec}:
 *
 * <pre>{@code
 * {"model": {"input": [4], "layers": [...], "loss": "mse"},
 *  "parameters": {"0.weight": [[...], ...], "0.bias": [...], "1.running_mean": [...], ...},
 *  "mode": "train" | "eval",                // train unless given
 *  "x": [[...], ...],                       // one row per example, flattened in PyTorch's order
 *  "y": [[...], ...]}                       // targets; for softmax_cross_entropy also class indices [2, 0, ...]
 * }</pre>
 *
 * {@code parameters} holds every parameter and may hold buffers, by {@code state_dict} name in
 * PyTorch's layout (a linear weight {@code [out_features][in_features]}); buffers left out keep their
 * initial values. Other keys, {@code expected} among them, are ignored here.
 */
public record ModuleCase(ModelSpec spec, Map<String, TensorData> state, Mode mode, double[][] x, double[][] y,
        int[] classes, String where, int[][] tokens) {

    /** A case whose {@code x} holds values. */
    public ModuleCase(ModelSpec spec, Map<String, TensorData> state, Mode mode, double[][] x, double[][] y,
            int[] classes, String where) {
        this(spec, state, mode, x, y, classes, where, null);
    }

    /** Whether {@code root} is a case of this format rather than the golden files' MLP format. */
    public static boolean isModuleFormat(JsonNode root) {
        return root != null && root.isObject() && root.has("model");
    }

    /** Parses and checks the form of a case; {@code where} names its source in messages. */
    public static ModuleCase fromJson(JsonNode root, String where) {
        JsonReading read = new JsonReading(where);
        ModelSpec spec = ModelSpec.fromJson(read.object(root, "model"), where + ": model");
        JsonNode parameters = read.object(root, "parameters");
        Map<String, TensorData> state = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = parameters.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            state.put(e.getKey(), tensor(read, e.getValue(), "parameters." + e.getKey()));
        }
        Mode mode = Mode.TRAIN;
        if (root.has("mode")) {
            String name = read.text(root, "mode");
            mode = Mode.byLabel(name);
            if (mode == null) {
                throw read.error("'mode' must be train or eval, not '" + name + "'");
            }
        }
        boolean takesTokens = org.nn4j.nn.layers.Embedding.takesTokens(spec);
        int[][] tokens = takesTokens ? tokenRows(read, read.field(root, "x")) : null;
        double[][] x = takesTokens ? null : rows(read, read.field(root, "x"), "x");
        int columns = takesTokens ? tokens[0].length : x[0].length;
        if (columns != spec.input().size()) {
            throw read.error("x has " + columns + " columns but one example of shape " + spec.input() + " has "
                    + spec.input().size() + " values");
        }
        JsonNode yNode = read.field(root, "y");
        boolean flat = yNode.isArray() && !yNode.isEmpty() && yNode.get(0).isNumber();
        // A flat y is class indices for a classification loss, one target per example otherwise.
        boolean mse = spec.loss().equals(org.nn4j.nn.losses.MeanSquaredError.LABEL);
        int[] classes = flat && !mse ? classIndices(read, yNode) : null;
        double[][] y = classes != null ? null : flat ? column(read, yNode) : rows(read, yNode, "y");
        int rows = classes != null ? classes.length : y.length;
        int examples = takesTokens ? tokens.length : x.length;
        if (rows != examples) {
            throw read.error("y has " + rows + " rows but x has " + examples);
        }
        return new ModuleCase(spec, state, mode, x, y, classes, where, tokens);
    }

    /** The case's model on {@code backend} in {@code dtype}, holding the case's parameters and buffers. */
    public Model model(ModuleRegistry registry, Backend backend, DType dtype) {
        Model model = registry.build(spec, backend, dtype, 0, where + ": model");
        Map<String, TensorData> full = model.stateDict();
        for (String name : model.parameters().keySet()) {
            if (!state.containsKey(name)) {
                throw new InvalidInputException(where + ": parameters has no '" + name + "'; the model's parameters are "
                        + String.join(", ", model.parameters().keySet()));
            }
        }
        state.forEach((name, t) -> {
            TensorData own = full.get(name);
            boolean vectorGivenAsMatrix = own != null && own.shape().length == 1 && t.shape().length == 2
                    && (t.shape()[0] == 1 || t.shape()[1] == 1) && t.values().length == own.values().length;
            full.put(name, vectorGivenAsMatrix ? new TensorData(own.shape(), t.values()) : t);
        });
        try {
            model.loadStateDict(full);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(where + ": parameters: " + e.getMessage(), e);
        }
        return model;
    }

    /** One forward and backward pass. */
    public Result run(ModuleRegistry registry, Backend backend, DType dtype) {
        Model model = model(registry, backend, dtype);
        int k = model.outputSize();
        double[][] y = classes != null ? oneHot(classes, k) : this.y;
        if (y[0].length != k) {
            throw new InvalidInputException(where + ": y has " + y[0].length + " columns but the model gives " + k
                    + " outputs");
        }
        Matrix input;
        if (tokens != null) {
            int steps = model.inputSize();
            int[] ids = new int[tokens.length * steps];
            for (int i = 0; i < tokens.length; i++) {
                System.arraycopy(tokens[i], 0, ids, i * steps, steps);
            }
            org.nn4j.nn.layers.Embedding first = (org.nn4j.nn.layers.Embedding) model.network().modules().get(0);
            org.nn4j.nn.layers.Embedding.requireIdsInside(ids, steps, first.numEmbeddings(), where + ": x",
                    "layers[0] (embedding)");
            input = org.nn4j.nn.TokenIds.of(dtype, steps, ids, tokens.length);
        } else {
            input = backend.fromArray(dtype, x.length, model.inputSize(), GradientCase.flatten(x));
        }
        Matrix target = backend.fromArray(dtype, y.length, k, GradientCase.flatten(y));
        Loss loss = model.loss();
        Matrix prediction;
        try {
            prediction = model.forward(input, Pass.of(mode, 0));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(where + ": " + e.getMessage(), e);
        }
        double lossValue = loss.forward(prediction, target);
        // Token ids have no gradient: the embedding returns none.
        Matrix inputGrad = model.backward(loss.backward(prediction, target), true);
        Map<String, TensorData> grads = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
            grads.put(e.getKey(), model.export(e.getValue().grad(), e.getValue().layout()));
        }
        return new Result(GradientResult.toRows(backend, prediction), lossValue,
                inputGrad == null ? null : GradientResult.toRows(backend, inputGrad), grads);
    }

    /**
     * What {@code nn gradients} prints for a module case; {@code inputGrad} is null for token ids, which
     * have no gradient.
     *
     * @param parameterGrads by {@code state_dict} name, in PyTorch's layout
     */
    public record Result(double[][] prediction, double loss, double[][] inputGrad,
            Map<String, TensorData> parameterGrads) {

        /** Whether every value is finite (no NaN or infinity). */
        public boolean isFinite() {
            if (!Double.isFinite(loss) || !GradientResult.finite(prediction)
                    || inputGrad != null && !GradientResult.finite(inputGrad)) {
                return false;
            }
            for (TensorData t : parameterGrads.values()) {
                for (double v : t.values()) {
                    if (!Double.isFinite(v)) {
                        return false;
                    }
                }
            }
            return true;
        }

        /** {@code prediction, loss, input_grad, parameter_grads} as JSON. */
        public ObjectNode toJson() {
            JsonNodeFactory json = JsonNodeFactory.instance;
            ObjectNode out = json.objectNode();
            out.set("prediction", GradientResult.matrixJson(prediction));
            out.put("loss", loss);
            if (inputGrad != null) {
                out.set("input_grad", GradientResult.matrixJson(inputGrad));
            }
            ObjectNode grads = out.putObject("parameter_grads");
            parameterGrads.forEach((name, t) -> grads.set(name, tensorJson(t)));
            return out;
        }

        /** Reads what {@link #toJson()} writes, as under {@code expected} in a case file. */
        public static Result fromJson(JsonNode node, String where) {
            JsonReading read = new JsonReading(where);
            Map<String, TensorData> grads = new LinkedHashMap<>();
            JsonNode g = read.object(node, "parameter_grads");
            for (Iterator<Map.Entry<String, JsonNode>> it = g.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                grads.put(e.getKey(), tensor(read, e.getValue(), "parameter_grads." + e.getKey()));
            }
            return new Result(read.matrix(read.field(node, "prediction"), "prediction"),
                    read.number(read.field(node, "loss"), "loss"),
                    node.has("input_grad") ? read.matrix(read.field(node, "input_grad"), "input_grad") : null, grads);
        }
    }

    /** One row of token ids per example: each element of {@code node} a list of whole numbers in [0, 2^31). */
    private static int[][] tokenRows(JsonReading read, JsonNode node) {
        if (!node.isArray() || node.isEmpty()) {
            throw read.error("x must be a list of examples, each a list of token ids");
        }
        int[][] rows = new int[node.size()][];
        for (int i = 0; i < rows.length; i++) {
            JsonNode row = node.get(i);
            if (!row.isArray() || row.isEmpty() || (i > 0 && row.size() != rows[0].length)) {
                throw read.error("x[" + i + "] must be a list of " + (i > 0 ? rows[0].length + " " : "")
                        + "token ids like the first example");
            }
            rows[i] = new int[row.size()];
            for (int t = 0; t < rows[i].length; t++) {
                JsonNode id = row.get(t);
                boolean whole = id.isIntegralNumber() || id.isNumber() && id.asDouble() == Math.rint(id.asDouble());
                if (!whole || !id.canConvertToInt() || id.asLong() < 0) {
                    throw read.error("x[" + i + "][" + t + "] must be a token id, a whole number in [0, 2^31), not "
                            + id);
                }
                rows[i][t] = id.asInt();
            }
        }
        return rows;
    }

    /**
     * One row per example: each element of {@code node} a list of numbers, or nested lists of them (an
     * example of shape {@code [channels, height, width]}), flattened in PyTorch's (row-major) order.
     */
    private static double[][] rows(JsonReading read, JsonNode node, String path) {
        if (!node.isArray() || node.isEmpty()) {
            throw read.error(path + " must be a list of examples, each a list of numbers");
        }
        double[][] rows = new double[node.size()][];
        for (int i = 0; i < rows.length; i++) {
            java.util.List<Double> values = new java.util.ArrayList<>();
            flatten(read, node.get(i), path + "[" + i + "]", values);
            if (values.isEmpty() || !node.get(i).isArray() || (i > 0 && values.size() != rows[0].length)) {
                throw read.error(path + "[" + i + "] must be a list of " + (i > 0 ? rows[0].length + " " : "")
                        + "numbers like the first example");
            }
            rows[i] = values.stream().mapToDouble(Double::doubleValue).toArray();
        }
        return rows;
    }

    private static void flatten(JsonReading read, JsonNode node, String path, java.util.List<Double> out) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(read, node.get(i), path + "[" + i + "]", out);
            }
        } else {
            out.add(read.number(node, path));
        }
    }

    private static double[][] column(JsonReading read, JsonNode node) {
        double[][] column = new double[node.size()][1];
        for (int i = 0; i < column.length; i++) {
            column[i][0] = read.number(node.get(i), "y[" + i + "]");
        }
        return column;
    }

    /**
     * A JSON number, or nested lists of numbers of a tensor's shape (a list of numbers, a matrix, a
     * convolution's [out][in][kh][kw] weight), as a tensor.
     */
    static TensorData tensor(JsonReading read, JsonNode node, String path) {
        if (node.isNumber()) {
            return new TensorData(new long[0], new double[] {read.number(node, path)});
        }
        java.util.List<Long> dims = new java.util.ArrayList<>();
        for (JsonNode level = node; level.isArray(); level = level.get(0)) {
            if (level.isEmpty()) {
                throw read.error(path + " must be a number or nested lists of numbers, none of them empty");
            }
            dims.add((long) level.size());
        }
        if (dims.isEmpty()) {
            throw read.error(path + " must be a number or nested lists of numbers, not " + node);
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        java.util.List<Double> values = new java.util.ArrayList<>();
        collect(read, node, path, shape, 0, values);
        return new TensorData(shape, values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static void collect(JsonReading read, JsonNode node, String path, long[] shape, int depth,
            java.util.List<Double> out) {
        if (depth == shape.length) {
            out.add(read.number(node, path));
            return;
        }
        if (!node.isArray() || node.size() != shape[depth]) {
            throw read.error(path + " must be a list of " + shape[depth] + (depth + 1 == shape.length ? " numbers"
                    : " lists") + " like the first at its depth, not " + node);
        }
        for (int i = 0; i < node.size(); i++) {
            collect(read, node.get(i), path + "[" + i + "]", shape, depth + 1, out);
        }
    }

    private static int[] classIndices(JsonReading read, JsonNode node) {
        int[] classes = new int[node.size()];
        for (int i = 0; i < classes.length; i++) {
            JsonNode c = node.get(i);
            if (!c.isIntegralNumber() || !c.canConvertToInt() || c.asInt() < 0) {
                throw read.error("y[" + i + "] must be a class index (a whole number of at least 0), not " + c);
            }
            classes[i] = c.asInt();
        }
        return classes;
    }

    private double[][] oneHot(int[] classIndices, int k) {
        double[][] oneHot = new double[classIndices.length][k];
        for (int i = 0; i < classIndices.length; i++) {
            if (classIndices[i] >= k) {
                throw new InvalidInputException(where + ": y[" + i + "] is class " + classIndices[i] + " but the model"
                        + " gives " + k + " outputs");
            }
            oneHot[i][classIndices[i]] = 1;
        }
        return oneHot;
    }

    private static JsonNode tensorJson(TensorData t) {
        if (t.shape().length == 0) {
            return JsonNodeFactory.instance.numberNode(t.values()[0]);
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        nested(t, 0, 0, out);
        return out;
    }

    /** Appends to {@code out} the values of the tensor's sub-array at {@code depth} that starts at {@code offset}. */
    private static void nested(TensorData t, int depth, int offset, ArrayNode out) {
        long[] shape = t.shape();
        int stride = 1;
        for (int d = depth + 1; d < shape.length; d++) {
            stride *= (int) shape[d];
        }
        for (int i = 0; i < shape[depth]; i++) {
            if (depth + 1 == shape.length) {
                out.add(t.values()[offset + i]);
            } else {
                nested(t, depth + 1, offset + i * stride, out.addArray());
            }
        }
    }
}
