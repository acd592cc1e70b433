package org.nn4j.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * Central-difference gradient checks (float64) of every layer type in both modes, each between a
 * linear layer and a linear output, under both losses: the input gradient and every parameter's.
 */
class ModuleGradientCheckTest {
    private static final Backend BACKEND = Backends.select("ejml");

    static Stream<Arguments> layers() {
        List<Arguments> cases = new ArrayList<>();
        String[][] layers = {{"linear", "out_features", "4"}, {"linear", "bias", "false"}, {"sigmoid"}, {"tanh"},
            {"relu"}, {"leaky_relu", "negative_slope", "0.2"}, {"dropout", "p", "0.4"}, {"batchnorm1d"},
            {"batchnorm1d", "affine", "false"}, {"flatten"}};
        for (String[] layer : layers) {
            for (Mode mode : Mode.values()) {
                for (String loss : List.of("mse", "softmax_cross_entropy")) {
                    cases.add(Arguments.of(String.join(" ", layer), mode, loss));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("layers")
    void analyticGradientsMatchCentralDifferences(String layer, Mode mode, String lossName) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        String[] parts = layer.split(" ");
        ObjectNode node = f.objectNode().put("type", parts[0]);
        if (parts.length > 1) {
            node.set(parts[1], readValue(parts[2]));
        }
        if (parts[0].equals("linear") && !node.has("out_features")) {
            node.put("out_features", 4);
        }
        List<ObjectNode> layers = List.of(f.objectNode().put("type", "linear").put("out_features", 6), node,
                f.objectNode().put("type", "linear").put("out_features", 3));
        ModelSpec spec = new ModelSpec(Shape.of(5), layers, lossName);
        Model model = ModuleRegistry.builtIn().build(spec, BACKEND, DType.FLOAT64, 7, "check");
        assertGradientsMatch(model, 6, mode, new SplittableRandom(layer.hashCode() + mode.ordinal()));
    }

    /**
     * The input's and every parameter's analytic gradients against central differences, on {@code n}
     * random examples in [-2, 2) with random one-hot targets.
     */
    private static void assertGradientsMatch(Model model, int n, Mode mode, SplittableRandom random) {
        int d = model.inputSize();
        int k = model.outputSize();
        Matrix x = BACKEND.fromArray(DType.FLOAT64, n, d, random.doubles(n * d, -2, 2).toArray());
        double[] targets = new double[n * k];
        for (int i = 0; i < n; i++) {
            targets[i * k + random.nextInt(k)] = 1;
        }
        Matrix y = BACKEND.fromArray(DType.FLOAT64, n, k, targets);
        // Eval mode uses running statistics: make them something other than 0 and 1.
        model.buffers().forEach((name, b) -> BACKEND.copyIn(random.doubles(b.value().size(),
                name.endsWith("var") ? 0.5 : -1, name.endsWith("var") ? 2 : 1).toArray(), b.value()));
        Pass pass = Pass.of(mode, 3);
        Loss loss = model.loss();
        java.util.function.DoubleSupplier objective = () -> loss.forward(model.forward(x, pass), y);
        Matrix prediction = model.forward(x, pass);
        Matrix inputGrad = model.backward(loss.backward(prediction, y), true);
        assertClose("input", BACKEND.toArray(inputGrad), GradientCheck.numerical(BACKEND, x, objective, GradientCheck.STEP));
        for (Map.Entry<String, Parameter> p : model.parameters().entrySet()) {
            assertClose(p.getKey(), BACKEND.toArray(p.getValue().grad()),
                    GradientCheck.numerical(BACKEND, p.getValue().value(), objective, GradientCheck.STEP));
        }
    }

    static Stream<Arguments> imageLayers() {
        List<Arguments> cases = new ArrayList<>();
        String[] layers = {"{\"type\": \"conv2d\", \"out_channels\": 2, \"kernel_size\": 2}",
            "{\"type\": \"conv2d\", \"out_channels\": 3, \"kernel_size\": [2, 3], \"stride\": 2,"
                + " \"padding\": [1, 0], \"bias\": false}",
            "{\"type\": \"maxpool2d\", \"kernel_size\": 2}",
            "{\"type\": \"maxpool2d\", \"kernel_size\": 3, \"stride\": [2, 1], \"padding\": 1}",
            "{\"type\": \"avgpool2d\", \"kernel_size\": 2, \"stride\": 1}",
            "{\"type\": \"avgpool2d\", \"kernel_size\": [3, 2], \"padding\": [1, 1]}",
            "{\"type\": \"batchnorm2d\"}", "{\"type\": \"batchnorm2d\", \"affine\": false, \"momentum\": 0.3}"};
        for (String layer : layers) {
            for (Mode mode : Mode.values()) {
                cases.add(Arguments.of(layer, mode));
            }
        }
        return cases.stream();
    }

    /** Image layers between a padded convolution of [2, 5, 6] images and a linear output, in both modes. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("imageLayers")
    void imageLayersAnalyticGradientsMatchCentralDifferences(String layer, Mode mode) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        List<ObjectNode> layers = List.of(
                f.objectNode().put("type", "conv2d").put("out_channels", 3).put("kernel_size", 3).put("padding", 1),
                (ObjectNode) readValue(layer), f.objectNode().put("type", "tanh"),
                f.objectNode().put("type", "flatten"), f.objectNode().put("type", "linear").put("out_features", 3));
        ModelSpec spec = new ModelSpec(Shape.of(2, 5, 6), layers, "softmax_cross_entropy");
        Model model = ModuleRegistry.builtIn().build(spec, BACKEND, DType.FLOAT64, 7, "check");
        assertGradientsMatch(model, 3, mode, new SplittableRandom(layer.hashCode() + mode.ordinal()));
    }

    private static com.fasterxml.jackson.databind.JsonNode readValue(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertClose(String what, double[] analytic, double[] numerical) {
        double error = GradientCheck.maxRelativeError(analytic, numerical, 1e-4);
        assertTrue(error < 1e-6, what + ": relative error " + error);
    }
}
