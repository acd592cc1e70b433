package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PyTorch loads a model that {@code nn train --model} saved into the {@code torch.nn.Sequential} of its
 * spec with {@code load_state_dict(strict=True)} ({@code scripts/nn4j_torch.py}) and predicts the
 * classes and probabilities that {@code nn predict} writes. Skipped where no python3 has torch (Debian:
 * {@code apt-get install python3-torch}).
 */
class TorchInteropTest {
    private static final Path SCRIPT = Path.of("..", "scripts", "nn4j_torch.py");
    private static final String SPEC = "{\"input\": [6], \"layers\": ["
            + "{\"type\": \"linear\", \"out_features\": 16, \"bias\": false}, {\"type\": \"batchnorm1d\"},"
            + " {\"type\": \"leaky_relu\", \"negative_slope\": 0.1}, {\"type\": \"dropout\", \"p\": 0.2},"
            + " {\"type\": \"linear\", \"out_features\": 8}, {\"type\": \"tanh\"},"
            + " {\"type\": \"linear\", \"out_features\": 3}], \"loss\": \"softmax_cross_entropy\"}";
    /** The same 6 features as [1, 2, 3] images: [4, 3, 4] after the padded convolution, [4, 1, 2] pooled. */
    private static final String IMAGE_SPEC = "{\"input\": [1, 2, 3], \"layers\": [{\"type\": \"conv2d\","
            + " \"out_channels\": 4, \"kernel_size\": 2, \"padding\": 1}, {\"type\": \"batchnorm2d\"},"
            + " {\"type\": \"relu\"}, {\"type\": \"maxpool2d\", \"kernel_size\": 2}, {\"type\": \"flatten\"},"
            + " {\"type\": \"linear\", \"out_features\": 3}]}";

    @TempDir
    Path dir;

    /** The first python3 that imports torch, or null. */
    static String pythonWithTorch() throws IOException, InterruptedException {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return python;
                }
            } catch (IOException e) {
                // not installed: try the next
            }
        }
        return null;
    }

    /**
     * Fresh cases from {@code scripts/torch_cases.py} (a seed of its own, other than the kept golden
     * cases'), through {@code nn gradients --spec} in both dtypes: every array within 1e-10 (float64)
     * or 2e-4 (float32) of PyTorch's float64 values, relative to its largest value; arrays that are an
     * exact zero's rounding noise (a bias right before batch normalisation in training) within a
     * hundredth of the case's largest gradient, scaled the same way. In float32 every array is held
     * to at least a hundredth of the case's largest gradient: an array far smaller than the rest comes
     * from cancellation (the weight of a batchnorm right before another, whose true gradient is only
     * eps's doing), and float32 cannot give it 2e-4 of itself; PyTorch's own float32 misses such an
     * array by 1.2e-3 of itself. Dense stacks and image stacks (conv2d, pooling, batchnorm2d).
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void nnGradientsMatchesFreshPyTorchCases(boolean images) throws Exception {
        String python = pythonWithTorch();
        assumeTrue(python != null, "no python3 with torch (apt-get install python3-torch)");
        Path cases = dir.resolve(images ? "image-cases" : "cases");
        List<String> command = new java.util.ArrayList<>(List.of(python, Path.of("..", "scripts", "torch_cases.py")
                .toString(), cases.toString(), "--count", images ? "20" : "30", "--seed", images ? "20261202" : "20261201"));
        if (images) {
            command.add("--images");
        }
        Process generate = new ProcessBuilder(command).inheritIO().start();
        assertTrue(generate.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, generate.exitValue());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try (var files = Files.list(cases)) {
            for (Path file : files.sorted().toList()) {
                com.fasterxml.jackson.databind.JsonNode expected = json.readTree(file.toFile()).get("expected");
                for (String dtype : List.of("float64", "float32")) {
                    NnRun run = NnRun.of("gradients", "--spec", file.toString(), "--dtype", dtype, "--backend", "ejml");
                    assertEquals(0, run.code(), file + ": " + run.err());
                    com.fasterxml.jackson.databind.JsonNode actual = json.readTree(run.out());
                    double rtol = dtype.equals("float64") ? 1e-10 : 2e-4;
                    double scale = maxAbs(expected.get("input_grad"));
                    for (var g : (Iterable<com.fasterxml.jackson.databind.JsonNode>) expected.get("parameter_grads")::elements) {
                        scale = Math.max(scale, maxAbs(g));
                    }
                    String where = file.getFileName() + " " + dtype;
                    double floor = (dtype.equals("float64") ? 1e-3 : 1e-2) * scale;
                    assertArray(where + " prediction", rtol, floor, expected.get("prediction"),
                            actual.get("prediction"));
                    assertArray(where + " loss", rtol, 1, expected.get("loss"), actual.get("loss"));
                    assertArray(where + " input_grad", rtol, floor, expected.get("input_grad"),
                            actual.get("input_grad"));
                    for (var it = expected.get("parameter_grads").fields(); it.hasNext();) {
                        var e = it.next();
                        assertArray(where + " " + e.getKey(), rtol, floor, e.getValue(),
                                actual.get("parameter_grads").get(e.getKey()));
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
        java.util.List<Double> values = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode child : node) {
            for (double v : flatten(child)) {
                values.add(v);
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void assertArray(String what, double rtol, double floor, com.fasterxml.jackson.databind.JsonNode e,
            com.fasterxml.jackson.databind.JsonNode a) {
        assertTrue(a != null, what + " is missing");
        double[] expected = flatten(e);
        double[] actual = flatten(a);
        assertEquals(expected.length, actual.length, what + " size");
        // An array whose true value is zero has no relative accuracy to keep: its rounding noise is held
        // to ten times the floor.
        double size = maxAbs(e);
        double bound = rtol * (size < 1e-9 * floor ? 10 * floor : Math.max(size, floor));
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(actual[i] - expected[i]) <= bound, what + "[" + i + "]: " + actual[i] + " vs "
                    + expected[i]);
        }
    }

    /** A state_dict that PyTorch saved (num_batches_tracked and all) predicts in nn4j, given its spec. */
    @Test
    void nnPredictsWithAStateDictThatPyTorchSaved() throws Exception {
        String python = pythonWithTorch();
        assumeTrue(python != null, "no python3 with torch (apt-get install python3-torch)");
        Path spec = Files.writeString(dir.resolve("spec.json"), SPEC);
        Path weights = dir.resolve("torch.safetensors");
        Path input = dir.resolve("rows.csv");
        String program = String.join("\n",
                "import json, sys, torch",
                "sys.path.insert(0, sys.argv[1])",
                "from nn4j_torch import sequential, save_state_dict",
                "torch.manual_seed(0)",
                "model = sequential(json.load(open(sys.argv[2])))",
                "with torch.no_grad():",
                "    model[1].running_mean.uniform_(-1, 1); model[1].running_var.uniform_(0.5, 2)",
                "    model[1].weight.uniform_(0.5, 1.5); model[1].bias.uniform_(-0.5, 0.5)",
                "    model[1].num_batches_tracked.fill_(7)",
                "save_state_dict(sys.argv[3], model.state_dict())",
                "x = torch.randn(20, 6)",
                "open(sys.argv[4], 'w').write('\\n'.join(','.join('%.9g' % v for v in row) for row in x.tolist()) + '\\n')",
                "model.eval()",
                "with torch.no_grad():",
                "    x = torch.tensor([[float(v) for v in l.split(',')] for l in open(sys.argv[4]).read().split()])",
                "    for p in torch.softmax(model(x), dim=1).tolist():",
                "        print(','.join('%.9g' % v for v in p))");
        Process torch = new ProcessBuilder(python, "-c", program, SCRIPT.getParent().toString(), spec.toString(),
                weights.toString(), input.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> expected = new String(torch.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .toList();
        assertTrue(torch.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, torch.exitValue());

        NnRun predict = NnRun.of("predict", "--model", weights.toString(), "--spec", spec.toString(), "--input",
                input.toString(), "--backend", "ejml");
        assertEquals(0, predict.code(), predict.err());
        List<String> actual = predict.out().lines().skip(1).toList();
        assertEquals(20, actual.size());
        for (int r = 0; r < actual.size(); r++) {
            String[] ours = actual.get(r).split(",");
            String[] theirs = expected.get(r).split(",");
            for (int c = 0; c < 3; c++) {
                assertEquals(Double.parseDouble(theirs[c]), Double.parseDouble(ours[2 + c]), 1e-5,
                        "probability " + c + " of row " + r);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void pyTorchLoadsTheFileStrictlyAndPredictsAsNnPredict(boolean images) throws Exception {
        String python = pythonWithTorch();
        assumeTrue(python != null, "no python3 with torch (apt-get install python3-torch)");
        Path spec = Files.writeString(dir.resolve("spec.json"), images ? IMAGE_SPEC : SPEC);
        StringBuilder csv = new StringBuilder();
        StringBuilder rows = new StringBuilder();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 600; i++) {
            int label = i % 3;
            StringBuilder features = new StringBuilder();
            for (int j = 0; j < 6; j++) {
                features.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.5f",
                        10 + (j == 2 * label ? 3 : 0) + random.nextGaussian()));
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
                "--standardize", "--epochs", "3", "--batch-size", "32", "--backend", "ejml", "--out", model.toString(),
                "--quiet");
        assertEquals(0, train.code(), train.err());

        NnRun predict = NnRun.of("predict", "--model", model.toString(), "--input", input.toString(), "--backend",
                "ejml");
        assertEquals(0, predict.code(), predict.err());
        assertPyTorchPredicts(python, model, input, predict.out());
    }

    /**
     * Runs {@code scripts/nn4j_torch.py} (PyTorch loading {@code model} strictly) on {@code input} and asserts
     * that it predicts what {@code nn predict} printed ({@code predictOut}, a header line and then one row per
     * example, after {@code row,class,p_NAME...}): each row's class (PyTorch's index into the header's class
     * names), and each of its probabilities within 1e-4.
     *
     * @return the number of rows compared
     */
    static int assertPyTorchPredicts(String python, Path model, Path input, String predictOut) throws Exception {
        List<String> header = List.of(predictOut.lines().findFirst().orElseThrow().split(","));
        List<String> classes = header.subList(2, header.size()).stream().map(c -> c.substring("p_".length()))
                .toList();
        List<String> nn4j = predictOut.lines().skip(1).toList();
        Process torch = new ProcessBuilder(python, SCRIPT.toString(), model.toString(), input.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> pytorch = new String(torch.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .toList();
        assertTrue(torch.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, torch.exitValue(), "PyTorch could not load the model strictly or run it");
        assertEquals(nn4j.size(), pytorch.size());
        for (int r = 0; r < nn4j.size(); r++) {
            String[] ours = nn4j.get(r).split(",");
            String[] theirs = pytorch.get(r).split(",");
            assertEquals(ours[1], classes.get(Integer.parseInt(theirs[0])), "class of row " + r);
            for (int c = 0; c < classes.size(); c++) {
                assertEquals(Double.parseDouble(theirs[1 + c]), Double.parseDouble(ours[2 + c]), 1e-4,
                        "probability " + c + " of row " + r);
            }
        }
        return nn4j.size();
    }
}
