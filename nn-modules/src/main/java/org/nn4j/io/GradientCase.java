package org.nn4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Loss;
import org.nn4j.nn.Model;
import org.nn4j.nn.Parameter;
import org.nn4j.nn.Pass;
import org.nn4j.nn.losses.MeanSquaredError;
import org.nn4j.nn.losses.SoftmaxCrossEntropy;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * A network with given weights, a batch and a loss: one forward and backward pass to run. The JSON
 * format is that of the golden files:
 *
 * <pre>{@code
 * {"network": {"input_size": 2, "hidden_sizes": [2], "output_size": 1, "activation": "sigmoid"},
 *  "loss": "mse" | "softmax_cross_entropy",
 *  "weights": [[[...], ...], ...],   // per layer, in x out
 *  "biases":  [[[...]], ...],        // per layer, 1 x out
 *  "x": [[...], ...], "y": [[...], ...],
 *  "expected": {...}}                // optional, see GradientResult
 * }</pre>
 *
 * Other keys are ignored. For {@code softmax_cross_entropy} each row of {@code y} must be a
 * probability distribution (one-hot, usually).
 */
public record GradientCase(int inputSize, List<Integer> hiddenSizes, int outputSize, ActivationKind activation,
        String loss, List<double[][]> weights, List<double[][]> biases, double[][] x, double[][] y,
        GradientResult expected) {

    private static final double DISTRIBUTION_TOLERANCE = 1e-9;

    /**
     * Reads and checks a case file.
     *
     * @throws InvalidInputException naming the file and what is wrong with it
     */
    public static GradientCase read(Path file) {
        return fromJson(readJson(file), file.toString());
    }

    /** The JSON tree of a case file, of either format. */
    public static JsonNode readJson(Path file) {
        return readTree(InputFiles.readJsonText(file, "a gradient case"), file.toString());
    }

    /** Parses and checks a case; {@code where} names its source in messages. */
    public static GradientCase parse(String json, String where) {
        return fromJson(readTree(json, where), where);
    }

    private static JsonNode readTree(String json, String where) {
        return InputFiles.json(json, where);
    }

    /** Checks a case of the golden files' format; {@code where} names its source in messages. */
    public static GradientCase fromJson(JsonNode root, String where) {
        JsonReading read = new JsonReading(where);
        if (root == null || !root.isObject()) {
            throw read.error("expected a JSON object with keys network, loss, weights, biases, x, y");
        }

        JsonNode network = read.object(root, "network");
        int inputSize = read.positiveInt(read.field(network, "input_size"), "network.input_size");
        int outputSize = read.positiveInt(read.field(network, "output_size"), "network.output_size");
        JsonNode hiddenNode = read.array(network, "hidden_sizes");
        List<Integer> hiddenSizes = new ArrayList<>();
        for (int i = 0; i < hiddenNode.size(); i++) {
            hiddenSizes.add(read.positiveInt(hiddenNode.get(i), "network.hidden_sizes[" + i + "]"));
        }
        ActivationKind activation = ActivationKind.SIGMOID;
        if (!hiddenSizes.isEmpty() || network.has("activation")) {
            String name = read.text(network, "activation");
            activation = ActivationKind.byLabel(name);
            if (activation == null) {
                throw read.error("unknown activation '" + name + "'; expected one of "
                        + Stream.of(ActivationKind.values()).map(ActivationKind::label).collect(Collectors.joining(", ")));
            }
        }
        String loss = read.text(root, "loss");
        if (!loss.equals(MeanSquaredError.LABEL) && !loss.equals(SoftmaxCrossEntropy.LABEL)) {
            throw read.error("unknown loss '" + loss + "'; expected " + MeanSquaredError.LABEL + " or "
                    + SoftmaxCrossEntropy.LABEL);
        }

        List<Integer> sizes = new ArrayList<>();
        sizes.add(inputSize);
        sizes.addAll(hiddenSizes);
        sizes.add(outputSize);
        int layerCount = sizes.size() - 1;
        List<double[][]> weights = layerMatrices(read, root, "weights", layerCount, sizes, true);
        List<double[][]> biases = layerMatrices(read, root, "biases", layerCount, sizes, false);

        double[][] x = read.matrix(read.field(root, "x"), "x");
        requireShape(read, "x", x, x.length, inputSize, "the network's input_size is " + inputSize);
        double[][] y = read.matrix(read.field(root, "y"), "y");
        requireShape(read, "y", y, x.length, outputSize,
                "one row per row of x (" + x.length + "), output_size " + outputSize + " columns");
        if (loss.equals(SoftmaxCrossEntropy.LABEL)) {
            requireDistributions(read, y);
        }
        GradientResult expected = root.has("expected") ? GradientResult.fromJson(root.get("expected"), where) : null;
        return new GradientCase(inputSize, List.copyOf(hiddenSizes), outputSize, activation, loss,
                List.copyOf(weights), List.copyOf(biases), x, y, expected);
    }

    /**
     * The network of this case on {@code backend}: the {@link Model} of {@link ModelSpec#mlp} with the
     * case's weights and biases.
     */
    public Model model(Backend backend, DType dtype) {
        Model model = ModuleRegistry.builtIn().build(ModelSpec.mlp(inputSize, hiddenSizes, outputSize, activation,
                loss), backend, dtype, 0, "gradient case");
        List<Parameter> parameters = List.copyOf(model.parameters().values());
        for (int i = 0; i < weights.size(); i++) {
            backend.copyIn(flatten(weights.get(i)), parameters.get(2 * i).value());
            backend.copyIn(flatten(biases.get(i)), parameters.get(2 * i + 1).value());
        }
        return model;
    }

    /** The case's loss on {@code backend}. */
    public Loss lossOn(Backend backend) {
        return ModuleRegistry.builtIn().lossType(loss).create(backend);
    }

    /** One forward and backward pass of this case. */
    public GradientResult run(Backend backend, DType dtype) {
        Model model = model(backend, dtype);
        Loss lossFunction = lossOn(backend);
        Matrix input = backend.fromArray(dtype, x.length, inputSize, flatten(x));
        Matrix target = backend.fromArray(dtype, y.length, outputSize, flatten(y));
        Matrix prediction = model.forward(input, Pass.eval());
        double lossValue = lossFunction.forward(prediction, target);
        Matrix grad = lossFunction.backward(prediction, target);
        Matrix inputGrad = model.backward(grad, true);
        List<Matrix> weightGrads = new ArrayList<>();
        List<Matrix> biasGrads = new ArrayList<>();
        List<Matrix> gradients = model.parameterGradients();
        for (int i = 0; i < gradients.size(); i += 2) {
            weightGrads.add(gradients.get(i));
            biasGrads.add(gradients.get(i + 1));
        }
        return GradientResult.of(backend, prediction, lossValue, inputGrad, weightGrads, biasGrads);
    }

    /** Row-major copy of a matrix given as rows. */
    public static double[] flatten(double[][] rows) {
        return Arrays.stream(rows).flatMapToDouble(Arrays::stream).toArray();
    }

    private static List<double[][]> layerMatrices(JsonReading read, JsonNode root, String key, int layerCount,
            List<Integer> sizes, boolean isWeights) {
        JsonNode list = read.array(root, key);
        if (list.size() != layerCount) {
            throw read.error("'" + key + "' has " + list.size() + " entries but the network has " + layerCount
                    + " layers (sizes " + sizes + ")");
        }
        List<double[][]> matrices = new ArrayList<>();
        for (int i = 0; i < layerCount; i++) {
            String path = key + "[" + i + "]";
            double[][] m = read.matrix(list.get(i), path);
            int rows = isWeights ? sizes.get(i) : 1;
            requireShape(read, path, m, rows, sizes.get(i + 1),
                    "layer " + (i + 1) + " maps " + sizes.get(i) + " to " + sizes.get(i + 1));
            matrices.add(m);
        }
        return matrices;
    }

    private static void requireShape(JsonReading read, String path, double[][] m, int rows, int cols, String why) {
        if (m.length != rows || m[0].length != cols) {
            throw read.error(path + " is " + m.length + "x" + m[0].length + " but must be " + rows + "x" + cols
                    + " (" + why + ")");
        }
    }

    private static void requireDistributions(JsonReading read, double[][] y) {
        for (int i = 0; i < y.length; i++) {
            double sum = 0;
            for (double v : y[i]) {
                if (v < 0) {
                    throw read.error("y[" + i + "] has a negative value; softmax_cross_entropy needs each row of y"
                            + " to be a probability distribution (one-hot)");
                }
                sum += v;
            }
            if (Math.abs(sum - 1) > DISTRIBUTION_TOLERANCE) {
                throw read.error("y[" + i + "] sums to " + sum + "; softmax_cross_entropy needs each row of y"
                        + " to sum to 1 (one-hot)");
            }
        }
    }
}
