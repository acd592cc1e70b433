package org.nn4j.nn.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.conformance.Tolerance;
import org.nn4j.io.Golden;
import org.nn4j.io.GradientCase;
import org.nn4j.io.GradientResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.nn4j.io.ModuleCase;
import org.nn4j.nn.losses.MeanSquaredError;
import org.nn4j.nn.Mode;
import org.nn4j.nn.Shape;
import org.nn4j.nn.losses.SoftmaxCrossEntropy;
import org.nn4j.nn.TensorData;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * The whole conformance kit plus whole networks: the golden cases and seeded random networks (every
 * activation, both losses, batches of 1 and 64) run on the backend under test in both dtypes, and
 * their predictions, loss and every gradient are compared with {@code ejml} in float64 within {@link
 * Tolerance}. Stacks of every layer type: the cases PyTorch computed in float64 ({@code
 * scripts/torch_cases.py}, kept in {@code golden/torch}) within 1e-10 (float64) and 2e-4 (float32),
 * and seeded random stacks in both modes, batches of 1 and 64, against {@code ejml} in float64. A
 * backend module outside nn-modules runs everything by subclassing this once; each module's tests run
 * in a JVM of their own.
 */
public abstract class NetworkConformanceTest extends ConcurrencyConformanceTest {

    private static final int[] SIZES = {12, 16, 10, 5};

    static Stream<Arguments> goldenCases() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (String name : List.of(Golden.SEED, Golden.BATCH)) {
                cases.add(Arguments.of(name, dtype));
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> randomNetworks() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (ActivationKind activation : ActivationKind.values()) {
                for (String loss : List.of(MeanSquaredError.LABEL, SoftmaxCrossEntropy.LABEL)) {
                    for (int batch : new int[] {1, 64}) {
                        cases.add(Arguments.of(activation, loss, batch, dtype));
                    }
                }
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> torchCases() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (String name : Golden.text("torch/index.txt").split("\\s+")) {
                cases.add(Arguments.of(name, dtype));
            }
        }
        return cases.stream();
    }

    /** PyTorch's cases of token and per-step layers ({@code scripts/torch_cases.py --sequences tokens}). */
    static Stream<Arguments> tokenSequenceCases() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (String name : Golden.text("torch-sequences/tokens/index.txt").split("\\s+")) {
                cases.add(Arguments.of(name, dtype));
            }
        }
        return cases.stream();
    }

    /**
     * Sequences of token ids (embedding with and without padding, masks) and of values: per-step linear,
     * activations, positional_embedding, every sequence_pool mode and flatten, as PyTorch computes them.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("tokenSequenceCases")
    void tokenSequencesAgreeWithPyTorch(String name, DType dtype) throws Exception {
        stacksAgreeWithPyTorch(name, dtype);
    }

    /** PyTorch's cases of the attention layer types ({@code torch_cases.py --sequences attention}), in both dtypes. */
    static Stream<Arguments> attentionTorchCases() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (String name : Golden.text("torch-sequences/attention/index.txt").split("\\s+")) {
                cases.add(Arguments.of(name, dtype));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("attentionTorchCases")
    void attentionStacksAgreeWithPyTorch(String name, DType dtype) throws Exception {
        stacksAgreeWithPyTorch(name, dtype);
    }

    /** PyTorch's attention cases over padded rows ({@code torch_cases.py --sequences attention --masked}), in both dtypes. */
    static Stream<Arguments> maskedAttentionTorchCases() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (String name : Golden.text("torch-sequences/attention-masked/index.txt").split("\\s+")) {
                cases.add(Arguments.of(name, dtype));
            }
        }
        return cases.stream();
    }

    /** Padded keys left out as PyTorch's key_padding_mask leaves them: each case's lengths set in a mask. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("maskedAttentionTorchCases")
    void maskedAttentionStacksAgreeWithPyTorch(String name, DType dtype) throws Exception {
        JsonNode root = new ObjectMapper().readTree(Golden.text(name));
        ModuleCase.Result expected = ModuleCase.Result.fromJson(root.get("expected"), name);
        ModuleCase.Result actual = MaskedCases.run(root, name, backend, dtype);
        assertModuleAgrees(name, dtype == DType.FLOAT64 ? 1e-10 : 2e-4, expected, actual);
    }

    /** Stacks that hold every layer type between them; the batchnorm-free ones also run on batches of one. */
    private static final List<List<String>> STACKS = List.of(
            List.of("linear:7", "batchnorm1d", "leaky_relu", "dropout", "linear:6", "tanh", "linear"),
            List.of("linear:9", "relu", "dropout", "linear:8", "sigmoid", "linear:5", "leaky_relu", "linear"),
            List.of("batchnorm1d", "linear:6", "batchnorm1d", "sigmoid", "dropout", "linear"));

    static Stream<Arguments> randomStacks() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (int stack = 0; stack < STACKS.size(); stack++) {
                for (Mode mode : Mode.values()) {
                    for (int batch : new int[] {1, 64}) {
                        if (!(batch == 1 && mode == Mode.TRAIN && STACKS.get(stack).contains("batchnorm1d"))) {
                            cases.add(Arguments.of(stack, mode, batch, dtype));
                        }
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("torchCases")
    void stacksAgreeWithPyTorch(String name, DType dtype) throws Exception {
        JsonNode root = new ObjectMapper().readTree(Golden.text(name));
        ModuleCase.Result expected = ModuleCase.Result.fromJson(root.get("expected"), name);
        ModuleCase.Result actual = ModuleCase.fromJson(root, name).run(ModuleRegistry.builtIn(), backend, dtype);
        assertModuleAgrees(name, dtype == DType.FLOAT64 ? 1e-10 : 2e-4, expected, actual);
    }

    static Stream<Arguments> recurrentTorchCases() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (String name : Golden.text("torch-sequences/recurrent/index.txt").split("\\s+")) {
                cases.add(Arguments.of(name, dtype));
            }
        }
        return cases.stream();
    }

    /**
     * Stacks of recurrent layers (rnn, lstm, gru; num_layers, bidirectional, bias) over [T, F] sequences,
     * computed by PyTorch in float64 ({@code scripts/torch_cases.py --sequences attention}, kept in {@code
     * golden/torch-sequences/recurrent}), within the tolerances of {@link #stacksAgreeWithPyTorch}.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("recurrentTorchCases")
    void recurrentStacksAgreeWithPyTorch(String name, DType dtype) throws Exception {
        stacksAgreeWithPyTorch(name, dtype);
    }

    @ParameterizedTest(name = "stack {0} {1} batch {2} {3}")
    @MethodSource("randomStacks")
    void randomStacksAgreeWithEjmlInFloat64(int stack, Mode mode, int batch, DType dtype) {
        SplittableRandom random = new SplittableRandom(31L * stack + batch + mode.ordinal());
        JsonNodeFactory f = JsonNodeFactory.instance;
        List<ObjectNode> layers = new ArrayList<>();
        for (String layer : STACKS.get(stack)) {
            String[] parts = layer.split(":");
            ObjectNode node = f.objectNode().put("type", parts[0]);
            if (parts[0].equals("linear")) {
                node.put("out_features", parts.length > 1 ? Integer.parseInt(parts[1]) : 4);
            } else if (parts[0].equals("dropout")) {
                node.put("p", 0.3);
            } else if (parts[0].equals("leaky_relu")) {
                node.put("negative_slope", 0.1);
            }
            layers.add(node);
        }
        String loss = stack % 2 == 0 ? SoftmaxCrossEntropy.LABEL : MeanSquaredError.LABEL;
        ModelSpec spec = new ModelSpec(Shape.of(10), layers, loss);
        // Parameters and buffers of float32 values, so that both dtypes start from the same numbers.
        Map<String, TensorData> state = new java.util.LinkedHashMap<>();
        ModuleRegistry.builtIn().build(spec, Backends.select("ejml"), DType.FLOAT64, stack, "stack").stateDict()
                .forEach((name, t) -> {
                    double[] v = new double[t.values().length];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = name.endsWith("running_var") ? (float) random.nextDouble(0.5, 2)
                                : (float) random.nextDouble(-1, 1);
                    }
                    state.put(name, new TensorData(t.shape(), v));
                });
        double[][] x = matrix(random, batch, 10, 2);
        double[][] y = loss.equals(MeanSquaredError.LABEL) ? matrix(random, batch, 4, 1) : null;
        int[] classes = y == null ? random.ints(batch, 0, 4).toArray() : null;
        ModuleCase moduleCase = new ModuleCase(spec, state, mode, x, y, classes, "stack " + stack);
        ModuleCase.Result expected = moduleCase.run(ModuleRegistry.builtIn(), Backends.select("ejml"), DType.FLOAT64);
        ModuleCase.Result actual = moduleCase.run(ModuleRegistry.builtIn(), backend, dtype);
        assertModuleAgrees("stack " + stack + " " + mode + " batch " + batch, Tolerance.relative(dtype) * 100,
                expected, actual);
    }

    /**
     * Every array within {@code rtol} of the expected one, relative to its largest value; an array whose
     * values are all rounding noise of an exact zero (a bias right before batchnorm1d in training) is
     * held to a thousandth of the case's largest gradient instead, and the loss to at least 1.
     */
    private static void assertModuleAgrees(String what, double rtol, ModuleCase.Result expected,
            ModuleCase.Result actual) {
        // Token ids have no input gradient.
        assertEquals(expected.inputGrad() == null, actual.inputGrad() == null, what + " input_grad present");
        double scale = expected.inputGrad() == null ? 0 : maxAbs(GradientCase.flatten(expected.inputGrad()));
        for (TensorData t : expected.parameterGrads().values()) {
            scale = Math.max(scale, maxAbs(t.values()));
        }
        double floor = 1e-3 * scale;
        assertArray(what + " prediction", rtol, floor, GradientCase.flatten(expected.prediction()),
                GradientCase.flatten(actual.prediction()));
        // A loss is of order one: one output's softmax cross-entropy is an exact zero, computed as o - o.
        assertArray(what + " loss", rtol, 1, new double[] {expected.loss()}, new double[] {actual.loss()});
        if (expected.inputGrad() != null) {
            assertArray(what + " input_grad", rtol, floor, GradientCase.flatten(expected.inputGrad()),
                    GradientCase.flatten(actual.inputGrad()));
        }
        assertEquals(expected.parameterGrads().keySet(), actual.parameterGrads().keySet(), what + " parameter names");
        expected.parameterGrads().forEach((name, t) -> {
            TensorData a = actual.parameterGrads().get(name);
            assertEquals(java.util.Arrays.toString(t.shape()), java.util.Arrays.toString(a.shape()), what + " " + name);
            assertArray(what + " " + name, rtol, floor, t.values(), a.values());
        });
    }

    private static void assertArray(String what, double rtol, double floor, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, what + " size");
        double bound = rtol * Math.max(maxAbs(expected), floor);
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs(actual[i] - expected[i]);
            if (!(error <= bound)) {
                throw new AssertionError(what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]
                        + " (error " + error + " over " + bound + ")");
            }
        }
    }

    private static double maxAbs(double[] values) {
        double max = 0;
        for (double v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("goldenCases")
    void goldenCasesAgreeWithEjmlInFloat64AndWithTheirExpectedValues(String name, DType dtype) {
        GradientCase golden = Golden.load(name);
        assertAgrees(name, golden, ejmlFloat64(golden), dtype);
        assertAgrees(name + " (expected)", golden, golden.expected(), dtype);
    }

    @ParameterizedTest(name = "{0} {1} batch {2} {3}")
    @MethodSource("randomNetworks")
    void randomNetworksAgreeWithEjmlInFloat64(ActivationKind activation, String loss, int batch, DType dtype) {
        GradientCase random = randomCase(activation, loss, batch,
                1000L * batch + activation.ordinal() * 10L + loss.length());
        assertAgrees(activation + " " + loss + " batch " + batch, random, ejmlFloat64(random), dtype);
    }

    private static GradientResult ejmlFloat64(GradientCase gradientCase) {
        return gradientCase.run(Backends.select("ejml"), DType.FLOAT64);
    }

    private void assertAgrees(String what, GradientCase gradientCase, GradientResult expected, DType dtype) {
        GradientResult actual = gradientCase.run(backend, dtype);
        assertClose(what + " prediction", dtype, expected.prediction(), actual.prediction());
        Tolerance.assertClose(what + " loss", dtype, 1, new double[] {expected.loss()}, new double[] {actual.loss()});
        assertClose(what + " input_grad", dtype, expected.inputGrad(), actual.inputGrad());
        assertEquals(expected.weightGrads().size(), actual.weightGrads().size());
        for (int i = 0; i < expected.weightGrads().size(); i++) {
            assertClose(what + " weight_grads[" + i + "]", dtype, expected.weightGrads().get(i),
                    actual.weightGrads().get(i));
            assertClose(what + " bias_grads[" + i + "]", dtype, expected.biasGrads().get(i), actual.biasGrads().get(i));
        }
    }

    private static void assertClose(String what, DType dtype, double[][] expected, double[][] actual) {
        assertEquals(expected.length, actual.length, what + " rows");
        Tolerance.assertClose(what, dtype, expected[0].length, GradientCase.flatten(expected),
                GradientCase.flatten(actual));
    }

    /**
     * A 12-16-10-5 network with random weights and biases, inputs and targets, all float32 values, so
     * that float32 and float64 runs start from the same numbers.
     */
    private static GradientCase randomCase(ActivationKind activation, String loss, int batch, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<double[][]> weights = new ArrayList<>();
        List<double[][]> biases = new ArrayList<>();
        for (int i = 0; i + 1 < SIZES.length; i++) {
            double scale = Math.sqrt(2.0 / SIZES[i]);
            weights.add(matrix(random, SIZES[i], SIZES[i + 1], scale));
            biases.add(matrix(random, 1, SIZES[i + 1], 0.1));
        }
        double[][] x = matrix(random, batch, SIZES[0], 1);
        int outputs = SIZES[SIZES.length - 1];
        double[][] y = loss.equals(MeanSquaredError.LABEL) ? matrix(random, batch, outputs, 1) : new double[batch][outputs];
        if (loss.equals(SoftmaxCrossEntropy.LABEL)) {
            for (double[] row : y) {
                row[random.nextInt(outputs)] = 1;
            }
        }
        List<Integer> hidden = List.of(SIZES[1], SIZES[2]);
        return new GradientCase(SIZES[0], hidden, outputs, activation, loss, weights, biases, x, y, null);
    }

    private static double[][] matrix(SplittableRandom random, int rows, int cols, double scale) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) (scale * random.nextDouble(-1, 1));
            }
        }
        return m;
    }
}
