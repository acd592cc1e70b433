package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.api.Backends;
import org.nn4j.io.ModelFile;
import org.nn4j.nn.Predictor;
import org.nn4j.nn.spec.ModuleRegistry;

/** A model file's Predictor takes raw features, as nn predict does: same probabilities, classes and values. */
class PredictorFromFileTest {
    @TempDir
    Path dir;

    /** Rows of three features far from standard (means near 100, spreads near 20) and a class or a value. */
    private float[] write(Path csv, Path bare, int rows, boolean regression) throws IOException {
        Random random = new Random(12);
        StringBuilder labelled = new StringBuilder("a,b,c,y\n");
        StringBuilder features = new StringBuilder("a,b,c\n");
        float[] x = new float[rows * 3];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < 3; j++) {
                x[3 * i + j] = Float.parseFloat(String.format(Locale.ROOT, "%.3f", 100 + 20 * random.nextGaussian()));
            }
            String row = String.format(Locale.ROOT, "%.3f,%.3f,%.3f", x[3 * i], x[3 * i + 1], x[3 * i + 2]);
            double s = x[3 * i] - x[3 * i + 1] + 0.5 * (x[3 * i + 2] - 100);
            String y = regression ? String.format(Locale.ROOT, "%.4f", s / 10) : s > 0 ? "pos" : s > -15 ? "mid" : "neg";
            labelled.append(row).append(',').append(y).append('\n');
            features.append(row).append('\n');
        }
        Files.writeString(csv, labelled);
        Files.writeString(bare, features);
        return x;
    }

    private static List<String[]> rows(String out) {
        return out.lines().skip(1).map(l -> l.split(",")).toList();
    }

    @Test
    void aStandardisedClassifiersProbabilitiesAreNnPredicts() throws IOException {
        Path csv = dir.resolve("c.csv");
        Path bare = dir.resolve("c-features.csv");
        float[] x = write(csv, bare, 200, false);
        Path model = dir.resolve("c.safetensors");
        NnRun trained = NnRun.of("train", "--csv", csv.toString(), "--label", "y", "--standardize", "--epochs", "3",
                "--hidden", "16", "--backend", "ejml", "--out", model.toString());
        assertEquals(0, trained.code(), trained.err());
        NnRun predicted = NnRun.of("predict", "--model", model.toString(), "--input", bare.toString(), "--backend",
                "ejml");
        assertEquals(0, predicted.code(), predicted.err());
        assertEquals("row,class,p_mid,p_neg,p_pos", predicted.out().lines().findFirst().orElseThrow());

        Predictor predictor = ModelFile.load(model, Backends.select("ejml")).predictor(ModuleRegistry.builtIn());
        assertEquals(List.of("mid", "neg", "pos"), predictor.classNames());
        float[] p = predictor.probabilities(x, 200);
        String[] labels = predictor.labels(x, 200);
        List<String[]> lines = rows(predicted.out());
        for (int i = 0; i < 200; i++) {
            assertEquals(lines.get(i)[1], labels[i], "row " + i);
            for (int c = 0; c < 3; c++) {
                assertEquals(Double.parseDouble(lines.get(i)[2 + c]), p[3 * i + c], 1e-6, "row " + i + ", class " + c);
            }
        }
    }

    @Test
    void aRegressionModelsPredictorGivesValues() throws IOException {
        Path csv = dir.resolve("r.csv");
        Path bare = dir.resolve("r-features.csv");
        float[] x = write(csv, bare, 150, true);
        Path model = dir.resolve("r.safetensors");
        NnRun trained = NnRun.of("train", "--csv", csv.toString(), "--label", "y", "--loss", "mse", "--standardize",
                "--epochs", "3", "--hidden", "16", "--backend", "ejml", "--out", model.toString());
        assertEquals(0, trained.code(), trained.err());
        NnRun predicted = NnRun.of("predict", "--model", model.toString(), "--input", bare.toString(), "--backend",
                "ejml");
        assertEquals(0, predicted.code(), predicted.err());
        Predictor predictor = ModelFile.load(model, Backends.select("ejml")).predictor(ModuleRegistry.builtIn());
        float[] values = predictor.outputs(x, 150);
        double[] expected = rows(predicted.out()).stream().mapToDouble(r -> Double.parseDouble(r[1])).toArray();
        double[] got = new double[150];
        for (int i = 0; i < 150; i++) {
            got[i] = values[i];
        }
        assertArrayEquals(expected, got, 1e-5 * java.util.Arrays.stream(expected).map(Math::abs).max().orElse(1));
        assertThrows(IllegalStateException.class, () -> predictor.probabilities(x, 150));
        assertThrows(IllegalStateException.class, () -> predictor.labels(x, 150));

        // PyTorch, loading the file strictly (scripts/nn4j_torch.py), predicts the same values from raw rows.
        String python;
        try {
            python = TorchInteropTest.pythonWithTorch();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(python != null, "no python3 with torch (apt-get install"
                + " python3-torch): PyTorch's side skipped");
        Path rows = dir.resolve("rows.csv");
        Files.write(rows, Files.readAllLines(bare).subList(1, 151));
        Process torch = new ProcessBuilder(python, Path.of("..", "scripts", "nn4j_torch.py").toString(),
                model.toString(), rows.toString()).redirectErrorStream(true).start();
        List<String> lines = new String(torch.getInputStream().readAllBytes()).lines().toList();
        try {
            assertEquals(0, torch.waitFor(), String.join("\n", lines));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < 150; i++) {
            assertEquals(values[i], Double.parseDouble(lines.get(i)), 1e-4 * (1 + Math.abs(values[i])), "row " + i);
        }
    }
}
