package org.nn4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.data.Standardizer;
import org.nn4j.io.InvalidInputException;
import org.nn4j.io.ModelFile;
import org.nn4j.nn.Model;
import org.nn4j.nn.Predictor;
import org.nn4j.nn.TensorData;
import org.nn4j.nn.layers.Embedding;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * Every built-in layer type, and the recipes' models, exported and run by ONNX Runtime: the outputs are
 * the model file's Predictor's, from raw features (or token ids, padded rows included), within 1e-4.
 */
class OnnxExportTest {
    private static final double TOLERANCE = 1e-4;
    private static final int ROWS = 7;
    private static final Map<String, Double> DIFFERENCES = new LinkedHashMap<>();
    private final Backend backend = Backends.select("ejml");
    private final ModuleRegistry registry = ModuleRegistry.builtIn();

    @TempDir
    Path dir;

    static Stream<Arguments> layerSpecs() {
        return Stream.of(
                Arguments.of("linear, activations, dropout", "{\"input\": [6], \"layers\": [{\"type\": \"linear\","
                        + " \"out_features\": 8}, {\"type\": \"sigmoid\"}, {\"type\": \"linear\", \"out_features\": 8},"
                        + " {\"type\": \"tanh\"}, {\"type\": \"linear\", \"out_features\": 8}, {\"type\": \"relu\"},"
                        + " {\"type\": \"linear\", \"out_features\": 8, \"bias\": false}, {\"type\": \"leaky_relu\","
                        + " \"negative_slope\": 0.2}, {\"type\": \"leaky_relu\"}, {\"type\": \"gelu\"},"
                        + " {\"type\": \"linear\", \"out_features\": 8}, {\"type\": \"gelu\", \"approximate\": \"tanh\"},"
                        + " {\"type\": \"dropout\", \"p\": 0.4}, {\"type\": \"linear\", \"out_features\": 3}]}"),
                Arguments.of("regression (mse)", "{\"input\": [5], \"layers\": [{\"type\": \"linear\", \"out_features\":"
                        + " 4}, {\"type\": \"relu\"}, {\"type\": \"linear\", \"out_features\": 2}], \"loss\": \"mse\"}"),
                Arguments.of("batchnorm1d", "{\"input\": [6], \"layers\": [{\"type\": \"linear\", \"out_features\": 8,"
                        + " \"bias\": false}, {\"type\": \"batchnorm1d\"}, {\"type\": \"relu\"}, {\"type\": \"batchnorm1d\","
                        + " \"affine\": false, \"eps\": 0.001}, {\"type\": \"linear\", \"out_features\": 3}]}"),
                Arguments.of("conv2d, batchnorm2d, pooling, flatten", "{\"input\": [2, 7, 7], \"layers\": ["
                        + "{\"type\": \"conv2d\", \"out_channels\": 3, \"kernel_size\": 3, \"padding\": 1},"
                        + " {\"type\": \"batchnorm2d\"}, {\"type\": \"relu\"}, {\"type\": \"maxpool2d\", \"kernel_size\": 2},"
                        + " {\"type\": \"conv2d\", \"out_channels\": 4, \"kernel_size\": [2, 3], \"stride\": [1, 2],"
                        + " \"padding\": [1, 0], \"bias\": false}, {\"type\": \"batchnorm2d\", \"affine\": false, \"eps\":"
                        + " 0.01}, {\"type\": \"avgpool2d\", \"kernel_size\": 2, \"stride\": 1, \"padding\": 1},"
                        + " {\"type\": \"maxpool2d\", \"kernel_size\": 3, \"stride\": 2, \"padding\": 1},"
                        + " {\"type\": \"flatten\"}, {\"type\": \"linear\", \"out_features\": 3}]}"),
                Arguments.of("sequences without padding", "{\"input\": [5, 3], \"layers\": [{\"type\": \"rnn\","
                        + " \"hidden_size\": 4, \"num_layers\": 2, \"bidirectional\": true}, {\"type\": \"layernorm\"},"
                        + " {\"type\": \"rnn\", \"hidden_size\": 4, \"nonlinearity\": \"relu\", \"bias\": false},"
                        + " {\"type\": \"positional_embedding\"}, {\"type\": \"multihead_attention\", \"num_heads\": 2},"
                        + " {\"type\": \"sequence_pool\", \"mode\": \"max\"}, {\"type\": \"linear\", \"out_features\": 3}]}"),
                Arguments.of("embedding without padding", "{\"input\": [5], \"layers\": [{\"type\": \"embedding\","
                        + " \"num_embeddings\": 9, \"embedding_dim\": 4}, {\"type\": \"lstm\", \"hidden_size\": 3},"
                        + " {\"type\": \"sequence_pool\", \"mode\": \"last\"}, {\"type\": \"linear\", \"out_features\": 2}]}"),
                Arguments.of("embedding, positions, layernorm, flatten", "{\"input\": [6], \"layers\": [{\"type\":"
                        + " \"embedding\", \"num_embeddings\": 11, \"embedding_dim\": 4, \"padding_idx\": 0},"
                        + " {\"type\": \"positional_embedding\"}, {\"type\": \"layernorm\", \"elementwise_affine\": false,"
                        + " \"eps\": 0.001}, {\"type\": \"linear\", \"out_features\": 5}, {\"type\": \"flatten\"},"
                        + " {\"type\": \"linear\", \"out_features\": 3}]}"),
                Arguments.of("rnn, padded", "{\"input\": [6], \"layers\": [{\"type\": \"embedding\", \"num_embeddings\":"
                        + " 11, \"embedding_dim\": 4, \"padding_idx\": -1}, {\"type\": \"rnn\", \"hidden_size\": 5,"
                        + " \"num_layers\": 2, \"bidirectional\": true}, {\"type\": \"sequence_pool\", \"mode\": \"mean\"},"
                        + " {\"type\": \"linear\", \"out_features\": 3}]}"),
                Arguments.of("lstm, padded", "{\"input\": [6], \"layers\": [{\"type\": \"embedding\", \"num_embeddings\":"
                        + " 11, \"embedding_dim\": 4, \"padding_idx\": 0}, {\"type\": \"lstm\", \"hidden_size\": 5,"
                        + " \"bidirectional\": true}, {\"type\": \"lstm\", \"hidden_size\": 3, \"bias\": false},"
                        + " {\"type\": \"sequence_pool\", \"mode\": \"last\"}, {\"type\": \"linear\", \"out_features\": 3}]}"),
                Arguments.of("gru, padded", "{\"input\": [6], \"layers\": [{\"type\": \"embedding\", \"num_embeddings\":"
                        + " 11, \"embedding_dim\": 4, \"padding_idx\": 0}, {\"type\": \"gru\", \"hidden_size\": 5,"
                        + " \"num_layers\": 2, \"bidirectional\": true, \"dropout\": 0.3}, {\"type\": \"gru\","
                        + " \"hidden_size\": 3, \"bias\": false}, {\"type\": \"sequence_pool\", \"mode\": \"max\"},"
                        + " {\"type\": \"linear\", \"out_features\": 3}]}"),
                Arguments.of("attention, padded", "{\"input\": [6], \"layers\": [{\"type\": \"embedding\","
                        + " \"num_embeddings\": 11, \"embedding_dim\": 8, \"padding_idx\": 0}, {\"type\":"
                        + " \"multihead_attention\", \"num_heads\": 2}, {\"type\": \"multihead_attention\", \"num_heads\":"
                        + " 4, \"bias\": false}, {\"type\": \"sequence_pool\"}, {\"type\": \"linear\", \"out_features\": 3}]}"),
                Arguments.of("transformer encoder layers, padded", "{\"input\": [6], \"layers\": [{\"type\": \"embedding\","
                        + " \"num_embeddings\": 11, \"embedding_dim\": 8, \"padding_idx\": 0}, {\"type\":"
                        + " \"positional_embedding\"}, {\"type\": \"transformer_encoder_layer\", \"nhead\": 2,"
                        + " \"dim_feedforward\": 16}, {\"type\": \"transformer_encoder_layer\", \"nhead\": 4,"
                        + " \"dim_feedforward\": 12, \"activation\": \"gelu\", \"norm_first\": true, \"layer_norm_eps\":"
                        + " 0.0001}, {\"type\": \"sequence_pool\", \"mode\": \"last\"}, {\"type\": \"linear\","
                        + " \"out_features\": 3}]}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layerSpecs")
    void layerTypes(String name, String json) throws Exception {
        check(name, ModelSpec.parse(json, name), DType.FLOAT32, null);
    }

    @Test
    void standardisedModel() throws Exception {
        ModelSpec spec = ModelSpec.parse("{\"input\": [4], \"layers\": [{\"type\": \"linear\", \"out_features\": 5},"
                + " {\"type\": \"tanh\"}, {\"type\": \"linear\", \"out_features\": 3}]}", "standardised");
        Standardizer standardizer = new Standardizer(new float[] {3, -2, 0.5f, 100}, new float[] {2, 0.25f, 1, 40});
        check("standardised", spec, DType.FLOAT32, standardizer);
    }

    @Test
    void regressionWithStandardisedTargetsGivesValuesInTheirUnits() throws Exception {
        ModelSpec spec = ModelSpec.parse("{\"input\": [4], \"layers\": [{\"type\": \"linear\", \"out_features\": 5},"
                + " {\"type\": \"relu\"}, {\"type\": \"linear\", \"out_features\": 2}], \"loss\": \"mse\"}", "targets");
        Standardizer features = new Standardizer(new float[] {3, -2, 0.5f, 100}, new float[] {2, 0.25f, 1, 40});
        Standardizer targets = new Standardizer(new float[] {12, -3}, new float[] {5, 0.5f});
        check("standardised targets", spec, DType.FLOAT32, features, targets);
    }

    @Test
    void float64Model() throws Exception {
        check("float64", ModelSpec.parse("{\"input\": [4], \"layers\": [{\"type\": \"linear\", \"out_features\": 5},"
                + " {\"type\": \"gelu\"}, {\"type\": \"linear\", \"out_features\": 3}]}", "float64"), DType.FLOAT64, null);
    }

    static Stream<Path> recipes() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("../examples/specs"))) {
            List<Path> specs = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            assertFalse(specs.isEmpty());
            return specs.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recipes")
    void recipeModels(Path file) throws Exception {
        check(file.getFileName().toString(), ModelSpec.read(file), DType.FLOAT32, null);
    }

    @Test
    void aLayerTypeOfAnotherJarIsRefusedAndNothingIsWritten() throws Exception {
        ModuleRegistry withTwice = registry.with(List.of(new Twice.Type()), List.of());
        ModelSpec spec = ModelSpec.parse("{\"input\": [3], \"layers\": [{\"type\": \"linear\", \"out_features\": 2},"
                + " {\"type\": \"twice\"}]}", "twice");
        Model model = withTwice.build(spec, backend, DType.FLOAT32, 1, "twice");
        Path file = dir.resolve("twice.safetensors");
        ModelFile.save(file, model, List.of("a", "b"), null, Map.of(), Map.of());
        ModelFile.Loaded loaded = ModelFile.load(file, withTwice, backend, null);
        Path out = dir.resolve("twice.onnx");
        Files.writeString(out, "before");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> OnnxExport.write(loaded, withTwice, out));
        assertEquals("layers[1] (twice): no ONNX export for this layer type (" + Twice.class.getName() + "); nn4j"
                + " exports its built-in layer types only", e.getMessage());
        assertEquals("before", Files.readString(out));
    }

    @Test
    void anIdOutsideTheEmbeddingIsAnErrorAsInNn4j() throws Exception {
        ModelFile.Loaded loaded = saved(ModelSpec.parse("{\"input\": [2], \"layers\": [{\"type\": \"embedding\","
                + " \"num_embeddings\": 3, \"embedding_dim\": 2}, {\"type\": \"flatten\"}]}", "ids"), DType.FLOAT32,
                null);
        try (OrtSession session = env().createSession(OnnxExport.toBytes(loaded), new OrtSession.SessionOptions())) {
            for (int id : new int[] {3, -1}) {
                assertThrows(IllegalArgumentException.class, () -> loaded.predictor(registry).outputs(new int[] {1, id},
                        1));
                try (OnnxTensor ids = OnnxTensor.createTensor(env(), LongBuffer.wrap(new long[] {1, id}),
                        new long[] {1, 2})) {
                    assertThrows(OrtException.class, () -> session.run(Map.of(OnnxExport.INPUT, ids)).close(), "" + id);
                }
            }
        }
    }

    @Test
    void theGraphNamesItsInputsOutputsAndClasses() throws Exception {
        ModelFile.Loaded loaded = saved(ModelSpec.parse("{\"input\": [2, 3], \"layers\": [{\"type\": \"flatten\"},"
                + " {\"type\": \"linear\", \"out_features\": 2}]}", "names"), DType.FLOAT32, null);
        Path out = dir.resolve("names.onnx");
        OnnxExport.write(loaded, out);
        try (OrtSession session = env().createSession(Files.readAllBytes(out), new OrtSession.SessionOptions())) {
            assertEquals(List.of(OnnxExport.INPUT), List.copyOf(session.getInputNames()));
            assertEquals(List.of(OnnxExport.LOGITS, OnnxExport.PROBABILITIES), List.copyOf(session.getOutputNames()));
            assertEquals("[-1, 6]", java.util.Arrays.toString(((ai.onnxruntime.TensorInfo) session.getInputInfo()
                    .get(OnnxExport.INPUT).getInfo()).getShape()));
            assertEquals("[\"c0\",\"c1\"]", session.getMetadata().getCustomMetadata().get("nn4j.class_names"));
            assertEquals(loaded.model().spec().toJson().toString(),
                    session.getMetadata().getCustomMetadata().get("nn4j.spec"));
        }
    }

    /** Saves a model of {@code spec} with random weights and buffers and checks its export against its predictor. */
    private void check(String name, ModelSpec spec, DType dtype, Standardizer standardizer) throws Exception {
        check(name, spec, dtype, standardizer, null);
    }

    /** As above, for a regression model whose targets {@code targets} standardised (its file's nn4j.output). */
    private void check(String name, ModelSpec spec, DType dtype, Standardizer standardizer, Standardizer targets)
            throws Exception {
        ModelFile.Loaded loaded = saved(spec, dtype, standardizer, targets);
        assertEquals(targets != null, loaded.targetStandardizer() != null);
        Model model = loaded.model();
        Predictor predictor = loaded.predictor(registry);
        Random random = new Random(name.hashCode());
        int k = model.outputSize();
        float[] expected;
        OnnxTensor input;
        if (Embedding.takesTokens(model.spec())) {
            int steps = model.inputSize();
            Embedding embedding = (Embedding) model.network().modules().get(0);
            int[] ids = tokens(random, steps, embedding.numEmbeddings(), embedding.paddingIdx());
            expected = predictor.outputs(ids, ROWS);
            long[] longs = new long[ids.length];
            for (int i = 0; i < ids.length; i++) {
                longs[i] = ids[i];
            }
            input = OnnxTensor.createTensor(env(), LongBuffer.wrap(longs), new long[] {ROWS, steps});
        } else {
            float[] x = new float[ROWS * model.inputSize()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (random.nextGaussian() * (standardizer == null ? 1 : 30));
            }
            expected = predictor.outputs(x, ROWS);
            input = OnnxTensor.createTensor(env(), FloatBuffer.wrap(x), new long[] {ROWS, model.inputSize()});
        }
        boolean regression = registry.isRegression(spec.loss());
        try (OrtSession session = env().createSession(OnnxExport.toBytes(loaded), new OrtSession.SessionOptions());
                OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
            float[] actual = values(result, regression ? OnnxExport.VALUES : OnnxExport.LOGITS, k);
            double worst = compare(name, expected, actual);
            if (!regression) {
                float[] p = new float[ROWS * k];
                for (int r = 0; r < ROWS; r++) {
                    double total = 0;
                    for (int c = 0; c < k; c++) {
                        total += Math.exp(expected[r * k + c]);
                    }
                    for (int c = 0; c < k; c++) {
                        p[r * k + c] = (float) (Math.exp(expected[r * k + c]) / total);
                    }
                }
                compare(name + " probabilities", p, values(result, OnnxExport.PROBABILITIES, k));
            } else {
                assertFalse(result.get(OnnxExport.LOGITS).isPresent());
            }
            DIFFERENCES.put(name, worst);
        } finally {
            input.close();
        }
    }

    private static double compare(String name, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, name);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Float.isFinite(actual[i]), name + ": value " + i + " is " + actual[i]);
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= TOLERANCE, name + ": ONNX Runtime differs from the predictor by " + worst + "\n expected "
                + java.util.Arrays.toString(expected) + "\n actual   " + java.util.Arrays.toString(actual));
        return worst;
    }

    private static float[] values(OrtSession.Result result, String output, int k) throws OrtException {
        OnnxValue value = result.get(output).orElseThrow();
        float[][] rows = (float[][]) value.getValue();
        float[] flat = new float[rows.length * k];
        for (int r = 0; r < rows.length; r++) {
            assertEquals(k, rows[r].length);
            System.arraycopy(rows[r], 0, flat, r * k, k);
        }
        return flat;
    }

    /**
     * Rows of ids of every length from none to all {@code steps}, the padding id first after the real steps;
     * after it come ids of any kind, padding or not, which are padding all the same.
     */
    private static int[] tokens(Random random, int steps, int vocabulary, int paddingIdx) {
        int[] ids = new int[ROWS * steps];
        for (int r = 0; r < ROWS; r++) {
            int length = paddingIdx < 0 ? steps : r == 0 ? 0 : r == 1 ? steps : random.nextInt(steps + 1);
            for (int t = 0; t < steps; t++) {
                int id = random.nextInt(vocabulary);
                while (t < length && id == paddingIdx) {
                    id = random.nextInt(vocabulary);
                }
                ids[r * steps + t] = t == length ? paddingIdx : id;
            }
        }
        return ids;
    }

    /** A model file of {@code spec} whose every parameter and buffer is random (running variances positive). */
    private ModelFile.Loaded saved(ModelSpec spec, DType dtype, Standardizer standardizer) throws IOException {
        return saved(spec, dtype, standardizer, null);
    }

    private ModelFile.Loaded saved(ModelSpec spec, DType dtype, Standardizer standardizer, Standardizer targets)
            throws IOException {
        Model model = registry.build(spec, backend, dtype, 7, "test");
        Random random = new Random(11);
        Map<String, TensorData> state = new LinkedHashMap<>();
        model.stateDict().forEach((name, t) -> {
            double[] values = new double[t.values().length];
            // Each tensor moved by noise of its own drawn scale (0.2 where it starts constant: biases, norms,
            // running means), so that a deep model's outputs stay in range and nothing is at its starting value.
            double squares = 0;
            for (double v : t.values()) {
                squares += v * v;
            }
            double spread = Math.sqrt(squares / values.length);
            double scale = spread > 0 && !name.contains("norm") && !name.contains("running") ? spread / 2 : 0.2;
            for (int i = 0; i < values.length; i++) {
                values[i] = name.endsWith("running_var") ? 0.2 + 2 * random.nextDouble()
                        : t.values()[i] + random.nextGaussian() * scale;
            }
            state.put(name, new TensorData(t.shape(), values));
        });
        model.loadStateDict(state);
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < model.outputSize(); c++) {
            classes.add("c" + c);
        }
        Path file = Files.createTempFile(dir, "model", ".safetensors");
        ModelFile.save(file, model, classes, standardizer, targets, Map.of(), Map.of());
        return ModelFile.load(file, registry, backend, null);
    }

    private static OrtEnvironment env() {
        return OrtEnvironment.getEnvironment();
    }

    @AfterAll
    static void report() {
        DIFFERENCES.forEach((name, worst) -> System.out.printf(java.util.Locale.ROOT,
                "onnx export %-42s max |ONNX Runtime - predictor| = %.3g%n", name, worst));
    }
}
