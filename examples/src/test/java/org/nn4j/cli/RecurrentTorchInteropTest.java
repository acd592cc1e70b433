package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recurrent layers both ways with PyTorch: a model of {@code nn train --model} with an lstm (two layers,
 * bidirectional, dropout between), a gru and an rnn loads strictly into the {@code torch.nn.Sequential} of
 * {@code scripts/nn4j_torch.py} and predicts what {@code nn predict} does within 1e-4; fresh sequence cases
 * of {@code scripts/torch_cases.py --sequences recurrent} go through {@code nn gradients --spec} in both dtypes on
 * ejml (nd4j-cpu, not on this module's test class path, runs the kept cases in backend-cpu's kit). Skipped
 * where no python3 has torch.
 */
class RecurrentTorchInteropTest {
    private static final Path SCRIPTS = Path.of("..", "scripts");
    /** Six features read as two steps of three. */
    private static final String SPEC = "{\"input\": [2, 3], \"layers\": ["
            + "{\"type\": \"lstm\", \"hidden_size\": 4, \"num_layers\": 2, \"bidirectional\": true, \"dropout\": 0.2},"
            + " {\"type\": \"gru\", \"hidden_size\": 3}, {\"type\": \"rnn\", \"hidden_size\": 3, \"nonlinearity\":"
            + " \"relu\", \"bidirectional\": true}, {\"type\": \"flatten\"}, {\"type\": \"linear\", \"out_features\": 3}],"
            + " \"loss\": \"softmax_cross_entropy\"}";

    @TempDir
    Path dir;

    @Test
    void pyTorchLoadsARecurrentModelStrictlyAndPredictsAsNnPredict() throws Exception {
        String python = TorchInteropTest.pythonWithTorch();
        assumeTrue(python != null, "no python3 with torch (apt-get install python3-torch)");
        Path spec = Files.writeString(dir.resolve("spec.json"), SPEC);
        StringBuilder csv = new StringBuilder();
        StringBuilder rows = new StringBuilder();
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 600; i++) {
            int label = i % 3;
            StringBuilder features = new StringBuilder();
            for (int j = 0; j < 6; j++) {
                features.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.5f",
                        (j == 2 * label ? 2 : 0) + random.nextGaussian()));
            }
            csv.append(features).append(',').append(label).append('\n');
            if (i < 50) {
                rows.append(features).append('\n');
            }
        }
        Path data = Files.writeString(dir.resolve("train.csv"), csv);
        Path input = Files.writeString(dir.resolve("rows.csv"), rows);
        Path model = dir.resolve("m.safetensors");
        NnRun train = NnRun.of("train", "--csv", data.toString(), "--label", "6", "--model", spec.toString(),
                "--standardize", "--epochs", "2", "--batch-size", "32", "--backend", "ejml", "--out", model.toString(),
                "--quiet");
        assertEquals(0, train.code(), train.err());
        NnRun predict = NnRun.of("predict", "--model", model.toString(), "--input", input.toString(), "--backend",
                "ejml");
        assertEquals(0, predict.code(), predict.err());
        TorchInteropTest.assertPyTorchPredicts(python, model, input, predict.out());
    }

    /**
     * Fresh cases (a seed other than the kept ones') through {@code nn gradients --spec}: every array within
     * 1e-10 (float64) or 2e-4 (float32) of PyTorch's float64 values, relative to its largest value (an array
     * of a thousandth of the case's largest gradient or less held to that thousandth).
     */
    @Test
    void nnGradientsMatchesFreshPyTorchSequenceCases() throws Exception {
        String backend = "ejml";
        String python = TorchInteropTest.pythonWithTorch();
        assumeTrue(python != null, "no python3 with torch (apt-get install python3-torch)");
        Path cases = dir.resolve("cases");
        Process generate = new ProcessBuilder(python, SCRIPTS.resolve("torch_cases.py").toString(), cases.toString(),
                "--count", "12", "--seed", "20261225", "--sequences", "recurrent").inheritIO().start();
        assertTrue(generate.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, generate.exitValue());
        ObjectMapper json = new ObjectMapper();
        try (var files = Files.list(cases)) {
            for (Path file : files.sorted().toList()) {
                JsonNode expected = json.readTree(file.toFile()).get("expected");
                for (String dtype : List.of("float64", "float32")) {
                    NnRun run = NnRun.of("gradients", "--spec", file.toString(), "--dtype", dtype, "--backend", backend);
                    assertEquals(0, run.code(), file + ": " + run.err());
                    JsonNode actual = json.readTree(run.out());
                    double rtol = dtype.equals("float64") ? 1e-10 : 2e-4;
                    double scale = maxAbs(expected.get("input_grad"));
                    for (JsonNode g : (Iterable<JsonNode>) expected.get("parameter_grads")::elements) {
                        scale = Math.max(scale, maxAbs(g));
                    }
                    String where = file.getFileName() + " " + dtype + " " + backend;
                    double floor = 1e-3 * scale;
                    assertArray(where + " prediction", rtol, floor, expected.get("prediction"), actual.get("prediction"));
                    assertArray(where + " input_grad", rtol, floor, expected.get("input_grad"), actual.get("input_grad"));
                    for (var it = expected.get("parameter_grads").fields(); it.hasNext();) {
                        var e = it.next();
                        assertArray(where + " " + e.getKey(), rtol, floor, e.getValue(),
                                actual.get("parameter_grads").get(e.getKey()));
                    }
                }
            }
        }
    }

    private static double maxAbs(JsonNode node) {
        double max = 0;
        for (double v : flatten(node)) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    private static double[] flatten(JsonNode node) {
        List<Double> values = new ArrayList<>();
        collect(node, values);
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void collect(JsonNode node, List<Double> values) {
        if (node.isNumber()) {
            values.add(node.asDouble());
        } else {
            node.forEach(child -> collect(child, values));
        }
    }

    private static void assertArray(String what, double rtol, double floor, JsonNode e, JsonNode a) {
        assertTrue(a != null, what + " is missing");
        double[] expected = flatten(e);
        double[] actual = flatten(a);
        assertEquals(expected.length, actual.length, what + " size");
        double bound = rtol * Math.max(maxAbs(e), floor);
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(actual[i] - expected[i]) <= bound, what + "[" + i + "]: " + actual[i] + " vs "
                    + expected[i]);
        }
    }
}
