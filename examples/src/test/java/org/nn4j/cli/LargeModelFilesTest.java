package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.io.OptimizerStateFile;

/**
 * A model whose Adam state once made a header no JSON reader took (a float64 MLP of a million
 * parameters): what nn train writes, evaluate, predict and --resume read.
 */
class LargeModelFilesTest {
    @TempDir
    Path dir;

    @Test
    void aMillionFloat64ParametersWithAdamAreReadBackByEveryCommand() throws IOException {
        Path csv = dir.resolve("points.csv");
        Path features = dir.resolve("features.csv");
        StringBuilder rows = new StringBuilder("a,b,c,label\n");
        StringBuilder inputs = new StringBuilder("a,b,c\n");
        Random random = new Random(5);
        for (int i = 0; i < 60; i++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            double c = random.nextGaussian();
            String row = String.format(Locale.ROOT, "%.4f,%.4f,%.4f", a, b, c);
            rows.append(row).append(a + b > 0 ? ",yes\n" : ",no\n");
            inputs.append(row).append('\n');
        }
        Files.writeString(csv, rows);
        Files.writeString(features, inputs);
        Path model = dir.resolve("large.safetensors");
        String[] common = {"--csv", csv.toString(), "--label", "label", "--backend", "ejml"};
        NnRun trained = NnRun.of(join(common, "train", "--hidden", "1035,1000", "--dtype", "float64", "--epochs", "1",
                "--out", model.toString(), "--quiet"));
        assertEquals(0, trained.code(), trained.err());
        assertTrue(Files.size(OptimizerStateFile.of(model)) > 2 * 8 * 1_040_000L, "Adam's m and v beside it");

        NnRun evaluated = NnRun.of(join(common, "evaluate", "--model", model.toString()));
        assertEquals(0, evaluated.code(), evaluated.err());
        assertTrue(evaluated.out().contains("accuracy"), evaluated.out());
        NnRun predicted = NnRun.of("predict", "--model", model.toString(), "--input", features.toString(), "--backend",
                "ejml");
        assertEquals(0, predicted.code(), predicted.err());
        assertEquals(61, predicted.out().strip().split("\n").length, "a header and a line per row");
        NnRun resumed = NnRun.of(join(common, "train", "--resume", model.toString(), "--epochs", "2"));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resuming after epoch 1"), resumed.out());
    }

    private static String[] join(String[] common, String... args) {
        String[] all = new String[args.length + common.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(common, 0, all, args.length, common.length);
        return all;
    }
}
