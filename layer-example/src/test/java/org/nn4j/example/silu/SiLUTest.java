package org.nn4j.example.silu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.cli.Main;
import org.nn4j.nn.GradientCheck;
import org.nn4j.nn.Loss;
import org.nn4j.nn.Model;
import org.nn4j.nn.Parameter;
import org.nn4j.nn.Pass;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/** A layer type from a jar of its own: found, listed, checked and used end to end from the command line. */
class SiLUTest {
    private static final String SPEC = "{\"input\": [4], \"layers\": [{\"type\": \"linear\", \"out_features\": 8},"
            + " {\"type\": \"silu\"}, {\"type\": \"linear\", \"out_features\": 3}], \"loss\": \"ce\"}";

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run nn(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void nnLayersListsItWithTheJarItCameFrom() throws IOException {
        Run run = nn("layers", "--json");
        assertEquals(0, run.code(), run.err());
        JsonNode silu = null;
        for (JsonNode layer : new ObjectMapper().readTree(run.out()).get("layers")) {
            if (layer.get("name").asText().equals("silu")) {
                silu = layer;
            }
        }
        assertTrue(silu != null, run.out());
        assertEquals(SiLU.Type.class.getName(), silu.get("class").asText());
        assertTrue(silu.get("source").asText().contains("layer-example"), silu.get("source").asText());
        assertTrue(nn("layers").out().contains("  silu: x * sigmoid(x)"));
    }

    @Test
    void itsGradientMatchesCentralDifferences() {
        Backend backend = Backends.select("ejml");
        Model model = ModuleRegistry.load().build(ModelSpec.parse(SPEC, "spec"), backend, DType.FLOAT64, 3, "spec");
        SplittableRandom random = new SplittableRandom(5);
        Matrix x = backend.fromArray(DType.FLOAT64, 5, 4, random.doubles(20, -3, 3).toArray());
        double[] targets = new double[15];
        for (int i = 0; i < 5; i++) {
            targets[i * 3 + random.nextInt(3)] = 1;
        }
        Matrix y = backend.fromArray(DType.FLOAT64, 5, 3, targets);
        Loss loss = model.loss();
        Matrix prediction = model.forward(x, Pass.eval());
        double[] inputGrad = backend.toArray(model.backward(loss.backward(prediction, y), true));
        java.util.function.DoubleSupplier objective = () -> loss.forward(model.forward(x, Pass.eval()), y);
        assertTrue(GradientCheck.maxRelativeError(inputGrad, GradientCheck.numerical(backend, x, objective,
                GradientCheck.STEP), 1e-4) < 1e-6);
        for (Map.Entry<String, Parameter> p : model.parameters().entrySet()) {
            double[] analytic = backend.toArray(p.getValue().grad());
            double error = GradientCheck.maxRelativeError(analytic, GradientCheck.numerical(backend,
                    p.getValue().value(), objective, GradientCheck.STEP), 1e-4);
            assertTrue(error < 1e-6, p.getKey() + ": " + error);
        }
    }

    @Test
    void aSpecThatNamesItTrainsEvaluatesPredictsAndGivesGradientsFromTheCommandLine() throws IOException {
        Path spec = Files.writeString(dir.resolve("silu.json"), SPEC);
        StringBuilder csv = new StringBuilder("a,b,c,d,label\n");
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 300; i++) {
            int label = i % 3;
            for (int j = 0; j < 4; j++) {
                csv.append(String.format(Locale.ROOT, "%.4f,", (j == label ? 2 : 0) + random.nextGaussian() * 0.5));
            }
            csv.append(label).append('\n');
        }
        Path data = Files.writeString(dir.resolve("blobs.csv"), csv);
        Path model = dir.resolve("silu.safetensors");
        Run train = nn("train", "--csv", data.toString(), "--label", "label", "--model", spec.toString(), "--epochs",
                "20", "--lr", "0.01", "--batch-size", "32", "--backend", "ejml", "--out", model.toString(), "--quiet");
        assertEquals(0, train.code(), train.err());
        double accuracy = Double.parseDouble(train.out().replaceAll("(?s).*test accuracy (\\S+) .*", "$1"));
        assertTrue(accuracy > 0.9, train.out());

        Run evaluate = nn("evaluate", "--model", model.toString(), "--csv", data.toString(), "--label", "label",
                "--backend", "ejml");
        assertEquals(0, evaluate.code(), evaluate.err());
        assertTrue(evaluate.out().contains("silu"), evaluate.out());

        Path rows = Files.writeString(dir.resolve("rows.csv"), "2,0,0,0\n0,0,2,0\n");
        Run predict = nn("predict", "--model", model.toString(), "--input", rows.toString(), "--backend", "ejml");
        assertEquals(0, predict.code(), predict.err());
        assertEquals(List.of("0", "2"), predict.out().lines().skip(1).map(l -> l.split(",")[1]).toList());

        Path gradientCase = Files.writeString(dir.resolve("case.json"), "{\"model\": {\"input\": [2], \"layers\":"
                + " [{\"type\": \"silu\"}, {\"type\": \"linear\", \"out_features\": 1}], \"loss\": \"mse\"},"
                + " \"parameters\": {\"1.weight\": [[0.5, -1.0]], \"1.bias\": [0.25]}, \"x\": [[1.0, -2.0]],"
                + " \"y\": [[0.0]]}");
        Run gradients = nn("gradients", "--spec", gradientCase.toString(), "--backend", "ejml", "--dtype", "float64");
        assertEquals(0, gradients.code(), gradients.err());
        JsonNode printed = new ObjectMapper().readTree(gradients.out());
        double s1 = 1 / (1 + Math.exp(-1));
        double s2 = 1 / (1 + Math.exp(2));
        double prediction = 0.5 * s1 + 1.0 * 2 * s2 + 0.25;
        assertEquals(prediction, printed.get("prediction").get(0).get(0).asDouble(), 1e-15);
        // dL/dp = p - y; dL/dx1 = (p - y) * 0.5 * silu'(1).
        double siluPrime1 = s1 + s1 * (1 - s1);
        assertEquals(prediction * 0.5 * siluPrime1, printed.get("input_grad").get(0).get(0).asDouble(), 1e-15);
        assertEquals(List.of("1.weight", "1.bias"), iterable(printed.get("parameter_grads").fieldNames()));
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
