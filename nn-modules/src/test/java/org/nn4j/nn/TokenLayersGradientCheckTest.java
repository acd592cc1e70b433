package org.nn4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.nn.layers.Embedding;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * Central-difference gradient checks (float64) of the token and per-step layers (embedding with and without
 * padding, positional_embedding, a per-step linear, activations and dropout on sequences, every
 * sequence_pool mode, flatten on a sequence), in both modes, with a mask, and on a batch of one; and of the
 * sequence layers on values, with their input gradient.
 */
class TokenLayersGradientCheckTest {
    private static final Backend BACKEND = Backends.select("ejml");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int T = 5;
    private static final int V = 9;

    static Stream<Arguments> stacks() {
        List<Arguments> cases = new ArrayList<>();
        String[] paddings = {"", ", \"padding_idx\": 0", ", \"padding_idx\": -1"};
        String[] ends = {"{\"type\": \"sequence_pool\"}", "{\"type\": \"sequence_pool\", \"mode\": \"max\"}",
            "{\"type\": \"sequence_pool\", \"mode\": \"last\"}", "{\"type\": \"flatten\"}"};
        for (String padding : paddings) {
            for (String end : ends) {
                for (Mode mode : Mode.values()) {
                    for (int n : new int[] {1, 4}) {
                        cases.add(Arguments.of(padding, end, mode, n));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} n={3}")
    @MethodSource("stacks")
    void tokenStacksMatchCentralDifferences(String padding, String end, Mode mode, int n) throws Exception {
        ModelSpec spec = spec(T, "[{\"type\": \"embedding\", \"num_embeddings\": " + V + ", \"embedding_dim\": 4"
                + padding + "}, {\"type\": \"positional_embedding\"}, {\"type\": \"linear\", \"out_features\": 6},"
                + " {\"type\": \"tanh\"}, {\"type\": \"dropout\", \"p\": 0.3}, " + end
                + ", {\"type\": \"linear\", \"out_features\": 3}]");
        Model model = ModuleRegistry.builtIn().build(spec, BACKEND, DType.FLOAT64, 11, "check");
        SplittableRandom random = new SplittableRandom(padding.hashCode() * 31 + end.hashCode() + n);
        int pad = padding.isEmpty() ? -1 : padding.contains("-1") ? V - 1 : 0;
        int[] ids = new int[n * T];
        for (int r = 0; r < n; r++) {
            // Row lengths T, then shorter ones (one of none); padding fills each row's end.
            int length = pad < 0 ? T : n == 1 ? 3 : (T - r % (T + 1) + T + 1) % (T + 1);
            for (int t = 0; t < T; t++) {
                int id;
                do {
                    id = random.nextInt(V);
                } while (id == pad);
                ids[r * T + t] = t < length ? id : pad;
            }
        }
        if (n > 1) {
            ids[1] = ids[0]; // a repeated id within a row
        }
        // The padding row's values reach the output through flatten, but as PyTorch's it gets no gradient.
        padRow = pad;
        assertParameterGradientsMatch(model, TokenIds.of(DType.FLOAT64, T, ids, n), mode, random);
        padRow = -1;
        if (pad >= 0) {
            Matrix weightGrad = model.parameters().get("0.weight").grad();
            double[] padRow = java.util.Arrays.copyOfRange(BACKEND.toArray(weightGrad), pad * 4, pad * 4 + 4);
            assertArrayEquals(new double[4], padRow, "the padding row got a gradient");
        }
    }

    /** Per-step layers on values [T, F]: their input gradient too. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("valueEnds")
    void valueSequencesMatchCentralDifferences(String end) throws Exception {
        for (Mode mode : Mode.values()) {
            ModelSpec spec = spec(T, 3, "[{\"type\": \"linear\", \"out_features\": 4}, {\"type\": \"positional_embedding\"},"
                    + " {\"type\": \"relu\"}, {\"type\": \"linear\", \"out_features\": 4, \"bias\": false}, " + end
                    + ", {\"type\": \"linear\", \"out_features\": 2}]");
            Model model = ModuleRegistry.builtIn().build(spec, BACKEND, DType.FLOAT64, 5, "check");
            SplittableRandom random = new SplittableRandom(end.hashCode());
            for (int n : new int[] {1, 3}) {
                Matrix x = BACKEND.fromArray(DType.FLOAT64, n, T * 3, random.doubles(n * T * 3, -2, 2).toArray());
                Matrix input = assertParameterGradientsMatch(model, x, mode, random);
                assertClose("input", BACKEND.toArray(input), GradientCheck.numerical(BACKEND, x,
                        objective(model, x, Pass.of(mode, 3), lastTargets), GradientCheck.STEP));
            }
        }
    }

    static Stream<String> valueEnds() {
        return Stream.of("{\"type\": \"sequence_pool\"}", "{\"type\": \"sequence_pool\", \"mode\": \"max\"}",
                "{\"type\": \"sequence_pool\", \"mode\": \"last\"}", "{\"type\": \"flatten\"}");
    }

    @Test
    void embeddingGathersRowsAndMasksPadding() throws Exception {
        ModelSpec spec = spec(4, "[{\"type\": \"embedding\", \"num_embeddings\": 6, \"embedding_dim\": 2,"
                + " \"padding_idx\": -2}, {\"type\": \"sequence_pool\", \"mode\": \"last\"}]");
        Model model = ModuleRegistry.builtIn().build(spec, BACKEND, DType.FLOAT64, 3, "check");
        Embedding embedding = (Embedding) model.network().modules().get(0);
        assertEquals(4, embedding.paddingIdx());
        double[] table = BACKEND.toArray(embedding.weight().value());
        assertArrayEquals(new double[2], java.util.Arrays.copyOfRange(table, 8, 10), "the padding row starts at 0");
        Matrix out = model.forward(TokenIds.of(DType.FLOAT64, 4, new int[] {1, 2, 4, 4, 3, 4, 5, 5, 5, 5, 5, 5}, 3),
                Pass.eval());
        // The last real step: id 2, id 3 (a padding id ends the row), id 5.
        assertArrayEquals(new double[] {table[4], table[5], table[6], table[7], table[10], table[11]},
                BACKEND.toArray(out));
        Matrix grad = BACKEND.fromArray(DType.FLOAT64, 3, 2, new double[] {1, 2, 3, 4, 5, 6});
        assertNull(model.backward(grad, true));
    }

    @Test
    void vocabularyIsWrittenIntoTheSpec() throws Exception {
        ModelSpec spec = spec(4, "[{\"type\": \"embedding\", \"embedding_dim\": 2}, {\"type\": \"flatten\"}]");
        assertTrue(Embedding.takesTokens(spec));
        ModelSpec filled = Embedding.withVocabulary(spec, 17);
        assertEquals(17, filled.layer(0).get("num_embeddings").asInt());
        Model model = ModuleRegistry.builtIn().build(filled, BACKEND, DType.FLOAT64, 3, "check");
        assertEquals(17, ((Embedding) model.network().modules().get(0)).numEmbeddings());
        assertEquals(filled, Embedding.withVocabulary(filled, 30));
    }

    /** A model built in Java of the typed layers has the spec a file would give, and the same tensors from a seed. */
    @Test
    void aJavaBuiltTokenModelWritesItsSpec() {
        Sequential layers = new Sequential(new Embedding(BACKEND, DType.FLOAT64, 5, 12, 3, -1),
                new org.nn4j.nn.layers.PositionalEmbedding(BACKEND, DType.FLOAT64, 5, 3),
                new org.nn4j.nn.layers.Linear(BACKEND, DType.FLOAT64, 3, 4),
                new org.nn4j.nn.layers.SequencePool(BACKEND, org.nn4j.api.StepPooling.LAST, 5, 4),
                new org.nn4j.nn.layers.Linear(BACKEND, DType.FLOAT64, 4, 2));
        Model built = Model.of(BACKEND, DType.FLOAT64, Shape.of(5), layers,
                new org.nn4j.nn.losses.SoftmaxCrossEntropy(BACKEND), 9);
        ModelSpec spec = built.spec();
        assertEquals("{\"type\":\"embedding\",\"num_embeddings\":12,\"embedding_dim\":3,\"padding_idx\":11}",
                spec.layer(0).toString());
        assertEquals("{\"type\":\"sequence_pool\",\"mode\":\"last\"}", spec.layer(3).toString());
        Model fromSpec = ModuleRegistry.builtIn().build(spec, BACKEND, DType.FLOAT64, 9, "spec");
        assertEquals(built.stateDict().keySet(), fromSpec.stateDict().keySet());
        built.stateDict().forEach((name, t) -> assertEquals(t, fromSpec.stateDict().get(name), name));
        Matrix a = built.forward(TokenIds.of(DType.FLOAT64, 5, new int[] {1, 2, 11, 11, 11, 3, 4, 5, 6, 7}, 2),
                Pass.eval());
        assertArrayEquals(BACKEND.toArray(a), BACKEND.toArray(fromSpec.forward(TokenIds.of(DType.FLOAT64, 5,
                new int[] {1, 2, 11, 11, 11, 3, 4, 5, 6, 7}, 2), Pass.eval())));
    }

    private static ModelSpec spec(int steps, String layers) throws Exception {
        return spec(new int[] {steps}, layers);
    }

    private static ModelSpec spec(int steps, int features, String layers) throws Exception {
        return spec(new int[] {steps, features}, layers);
    }

    private static ModelSpec spec(int[] input, String layers) throws Exception {
        List<ObjectNode> nodes = new ArrayList<>();
        JSON.readTree(layers).forEach(node -> nodes.add((ObjectNode) node));
        return new ModelSpec(Shape.of(input), nodes, "softmax_cross_entropy");
    }

    private static Matrix lastTargets;
    private static int padRow = -1;

    private static java.util.function.DoubleSupplier objective(Model model, Matrix x, Pass pass, Matrix y) {
        return () -> model.loss().forward(model.forward(x, pass), y);
    }

    /** Every parameter's analytic gradient against central differences; returns the input gradient (or null). */
    private static Matrix assertParameterGradientsMatch(Model model, Matrix x, Mode mode, SplittableRandom random) {
        int n = x.rows();
        int k = model.outputSize();
        double[] targets = new double[n * k];
        for (int i = 0; i < n; i++) {
            targets[i * k + random.nextInt(k)] = 1;
        }
        Matrix y = BACKEND.fromArray(DType.FLOAT64, n, k, targets);
        lastTargets = y;
        Pass pass = Pass.of(mode, 3);
        Matrix prediction = model.forward(x, pass);
        Matrix inputGrad = model.backward(model.loss().backward(prediction, y), !(x instanceof TokenIds));
        double[] input = inputGrad == null ? null : BACKEND.toArray(inputGrad);
        for (Map.Entry<String, Parameter> p : model.parameters().entrySet()) {
            double[] numerical = GradientCheck.numerical(BACKEND, p.getValue().value(), objective(model, x, pass, y),
                    GradientCheck.STEP);
            if (padRow >= 0 && p.getKey().equals("0.weight")) {
                int width = p.getValue().value().cols();
                java.util.Arrays.fill(numerical, padRow * width, padRow * width + width, 0);
            }
            assertClose(p.getKey(), BACKEND.toArray(p.getValue().grad()), numerical);
        }
        return input == null ? null : BACKEND.fromArray(DType.FLOAT64, n, x.cols(), input);
    }

    private static void assertClose(String what, double[] analytic, double[] numerical) {
        double error = GradientCheck.maxRelativeError(analytic, numerical, 1e-6);
        assertTrue(error < 1e-6, what + ": relative error " + error);
    }
}
