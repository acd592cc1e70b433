package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.data.Dataset;
import org.nn4j.data.FashionMnist;

/**
 * The NumPy reader of docs/model-files.md (scripts/nn4j_numpy.py) classifies like nn4j itself: a second reader of
 * the model file, written without nn4j. Skipped where python3 with NumPy is missing.
 */
class NumpyReaderTest {
    private static final Path SCRIPT = Path.of("..", "scripts", "nn4j_numpy.py");

    @TempDir
    Path dir;

    @Test
    void numpyAloneGivesNn4jsPredictions() throws Exception {
        assumeTrue(run(List.of("python3", "-c", "import numpy")).code() == 0, "python3 with NumPy is not installed");
        Path model = dir.resolve("m.safetensors");
        Path data = ShippedSubset.copyTo(Files.createDirectory(dir.resolve("data")));
        NnRun train = nn("train", "--data", data.toString(), "--epochs", "1", "--hidden", "16", "--standardize", "--backend", "ejml", "--out",
                model.toString(), "--quiet");
        assertEquals(0, train.code(), train.err());

        Dataset test = FashionMnist.shippedSubset().test();
        StringBuilder csv = new StringBuilder();
        int rows = 200;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < test.featureCount(); c++) {
                csv.append(c == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.9g",
                        test.features()[r * test.featureCount() + c]));
            }
            csv.append('\n');
        }
        Path features = Files.writeString(dir.resolve("rows.csv"), csv);

        NnRun nn4j = nn("predict", "--model", model.toString(), "--input", features.toString());
        assertEquals(0, nn4j.code(), nn4j.err());
        List<String> classNames = FashionMnist.CLASS_NAMES;
        List<String> expected = nn4j.out().lines().skip(1)
                .map(line -> Integer.toString(classNames.indexOf(line.split(",")[1]))).toList();

        NnRun numpy = run(List.of("python3", SCRIPT.toString(), model.toString(), features.toString()));
        assertEquals(0, numpy.code(), numpy.err());
        assertEquals(expected, numpy.out().lines().toList());
    }


    private static NnRun nn(String... args) {
        return NnRun.of(args);
    }

    private static NnRun run(List<String> command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            return new NnRun(-1, "", e.getMessage());
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new NnRun(-1, out, "timed out");
        }
        return new NnRun(process.exitValue(), out, err);
    }
}
