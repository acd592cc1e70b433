package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PyTorch loads a model of every attention layer type ({@code layernorm}, {@code gelu} in both forms,
 * {@code multihead_attention}, {@code transformer_encoder_layer} in both orders and activations) that
 * {@code nn train --model} saved, strictly, into the {@code torch.nn.Sequential} of {@code
 * scripts/nn4j_torch.py}, and predicts the classes and probabilities of {@code nn predict} within 1e-4.
 * Skipped where no python3 has torch.
 */
class TorchAttentionInteropTest {
    /** 12 features as 3 steps of 4. */
    private static final String SPEC = "{\"input\": [3, 4], \"layers\": [{\"type\": \"layernorm\"},"
            + " {\"type\": \"multihead_attention\", \"num_heads\": 2, \"dropout\": 0.1},"
            + " {\"type\": \"gelu\", \"approximate\": \"tanh\"},"
            + " {\"type\": \"transformer_encoder_layer\", \"nhead\": 2, \"dim_feedforward\": 8, \"dropout\": 0.1,"
            + " \"activation\": \"gelu\", \"norm_first\": true},"
            + " {\"type\": \"transformer_encoder_layer\", \"nhead\": 4, \"dim_feedforward\": 6,"
            + " \"layer_norm_eps\": 0.001},"
            + " {\"type\": \"layernorm\", \"elementwise_affine\": false}, {\"type\": \"gelu\"},"
            + " {\"type\": \"multihead_attention\", \"num_heads\": 1, \"bias\": false},"
            + " {\"type\": \"flatten\"}, {\"type\": \"linear\", \"out_features\": 3}],"
            + " \"loss\": \"softmax_cross_entropy\"}";

    @TempDir
    Path dir;

    /**
     * Fresh cases of {@code torch_cases.py --sequences attention} (a seed other than the kept cases') through {@code nn
     * gradients --spec} in both dtypes on ejml (nd4j-cpu runs the kept cases in its network kit): every array within 1e-10 (float64) or 2e-4
     * (float32) of PyTorch's float64 values, relative to the largest of the case's arrays of its kind.
     */
    @Test
    void nnGradientsMatchesFreshPyTorchSequenceCases() throws Exception {
        String python = TorchInteropTest.pythonWithTorch();
        assumeTrue(python != null, "no python3 with torch (apt-get install python3-torch)");
        Path cases = dir.resolve("cases");
        Process generate = new ProcessBuilder(python, Path.of("..", "scripts", "torch_cases.py").toString(),
                cases.toString(), "--count", "12", "--seed", "20261207", "--sequences", "attention").inheritIO().start();
        assertTrue(generate.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, generate.exitValue());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try (var files = Files.list(cases)) {
            for (Path file : files.sorted().toList()) {
                com.fasterxml.jackson.databind.JsonNode expected = json.readTree(file.toFile()).get("expected");
                for (String backend : List.of("ejml")) {
                    for (String dtype : List.of("float64", "float32")) {
                        NnRun run = NnRun.of("gradients", "--spec", file.toString(), "--dtype", dtype, "--backend",
                                backend);
                        assertEquals(0, run.code(), file + ": " + run.err());
                        com.fasterxml.jackson.databind.JsonNode actual = json.readTree(run.out());
                        double rtol = dtype.equals("float64") ? 1e-10 : 2e-4;
                        String where = file.getFileName() + " " + backend + " " + dtype;
                        double gradScale = maxAbs(expected.get("input_grad"));
                        for (var g : (Iterable<com.fasterxml.jackson.databind.JsonNode>)
                                expected.get("parameter_grads")::elements) {
                            gradScale = Math.max(gradScale, maxAbs(g));
                        }
                        assertClose(where + " prediction", rtol * maxAbs(expected.get("prediction")),
                                expected.get("prediction"), actual.get("prediction"));
                        assertClose(where + " loss", rtol * Math.max(1, Math.abs(expected.get("loss").asDouble())),
                                expected.get("loss"), actual.get("loss"));
                        assertClose(where + " input_grad", rtol * gradScale, expected.get("input_grad"),
                                actual.get("input_grad"));
                        for (var it = expected.get("parameter_grads").fields(); it.hasNext();) {
                            var e = it.next();
                            assertClose(where + " " + e.getKey(), rtol * gradScale, e.getValue(),
                                    actual.get("parameter_grads").get(e.getKey()));
                        }
                    }
                }
            }
        }
    }

    private static double maxAbs(com.fasterxml.jackson.databind.JsonNode node) {
        double max = 0;
        for (double v : flatten(node)) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    private static double[] flatten(com.fasterxml.jackson.databind.JsonNode node) {
        if (node.isNumber()) {
            return new double[] {node.asDouble()};
        }
        List<Double> values = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode child : node) {
            for (double v : flatten(child)) {
                values.add(v);
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void assertClose(String what, double bound, com.fasterxml.jackson.databind.JsonNode e,
            com.fasterxml.jackson.databind.JsonNode a) {
        assertTrue(a != null, what + " is missing");
        double[] expected = flatten(e);
        double[] actual = flatten(a);
        assertEquals(expected.length, actual.length, what + " size");
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(actual[i] - expected[i]) <= bound, what + "[" + i + "]: " + actual[i] + " vs "
                    + expected[i] + " (bound " + bound + ")");
        }
    }

    @Test
    void pyTorchLoadsTheFileStrictlyAndPredictsAsNnPredict() throws Exception {
        String python = TorchInteropTest.pythonWithTorch();
        assumeTrue(python != null, "no python3 with torch (apt-get install python3-torch)");
        Path spec = Files.writeString(dir.resolve("spec.json"), SPEC);
        StringBuilder csv = new StringBuilder();
        StringBuilder rows = new StringBuilder();
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 300; i++) {
            int label = i % 3;
            StringBuilder features = new StringBuilder();
            for (int j = 0; j < 12; j++) {
                features.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.5f",
                        (j % 4 == label ? 2 : 0) + random.nextGaussian()));
            }
            csv.append(features).append(',').append(label).append('\n');
            if (i < 40) {
                rows.append(features).append('\n');
            }
        }
        Path data = Files.writeString(dir.resolve("train.csv"), csv);
        Path input = Files.writeString(dir.resolve("rows.csv"), rows);
        Path model = dir.resolve("m.safetensors");
        NnRun train = NnRun.of("train", "--csv", data.toString(), "--label", "12", "--model", spec.toString(),
                "--epochs", "2", "--batch-size", "32", "--backend", "ejml", "--out", model.toString(), "--quiet");
        assertEquals(0, train.code(), train.err());

        NnRun predict = NnRun.of("predict", "--model", model.toString(), "--input", input.toString(), "--backend",
                "ejml");
        assertEquals(0, predict.code(), predict.err());
        assertEquals(40, TorchInteropTest.assertPyTorchPredicts(python, model, input, predict.out()));
    }
}
