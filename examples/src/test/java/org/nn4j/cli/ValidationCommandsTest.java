package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.api.Backends;
import org.nn4j.data.Split;
import org.nn4j.io.ModelFile;
import org.nn4j.nn.TensorData;

/**
 * Validation apart from test: early stopping watches the --val-fraction or --val-csv examples, so a run
 * whose test examples alone differ stops at the same epoch with the same weights.
 */
class ValidationCommandsTest {
    private static final int ROWS = 400;
    private static final String[] RUN = {"--hidden", "16", "--backend", "ejml", "--lr", "0.05", "--epochs", "40",
        "--patience", "2", "--quiet"};

    @TempDir
    Path dir;

    /** Rows of 3 noisy features, the class the sign of their sum; {@code scrambled} rows get other values and labels. */
    private static List<String> rows(long seed, int count) {
        Random random = new Random(seed);
        List<String> rows = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            double c = random.nextGaussian();
            int label = a + b - c + 1.5 * random.nextGaussian() > 0 ? 1 : 0;
            rows.add(String.format(Locale.ROOT, "%.5f,%.5f,%.5f,%d", a, b, c, label));
        }
        return rows;
    }

    private Path write(String name, List<String> rows) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "a,b,c,label\n" + String.join("\n", rows) + "\n");
        return file;
    }

    private NnRun train(Path model, Path metrics, String... data) {
        List<String> args = new ArrayList<>(List.of("train", "--label", "label", "--out", model.toString(),
                "--metrics-json", metrics.toString()));
        args.addAll(List.of(data));
        args.addAll(List.of(RUN));
        NnRun run = NnRun.of(args.toArray(String[]::new));
        assertEquals(0, run.code(), run.err());
        return run;
    }

    private static Map<String, TensorData> weights(Path model) {
        return ModelFile.load(model, Backends.select("ejml")).model().stateDict();
    }

    private static void assertSameWeights(Path a, Path b) {
        Map<String, TensorData> x = weights(a);
        Map<String, TensorData> y = weights(b);
        assertEquals(x.keySet(), y.keySet());
        x.forEach((name, t) -> assertArrayEquals(t.values(), y.get(name).values(), 0, name));
    }

    @Test
    void earlyStoppingIsTheSameWhateverTheTestRowsOfTheFileAre() throws IOException {
        List<String> rows = rows(3, ROWS);
        List<String> changed = new ArrayList<>(rows);
        List<String> other = rows(99, ROWS);
        // The rows nn train holds out for test (0.2, seed 42) get other features and labels.
        for (int r : Split.heldOut(ROWS, 0.2, 42, "rows")) {
            changed.set(r, other.get(r));
        }
        Path one = dir.resolve("one.safetensors");
        Path two = dir.resolve("two.safetensors");
        Path m1 = dir.resolve("one.json");
        Path m2 = dir.resolve("two.json");
        NnRun a = train(one, m1, "--csv", write("a.csv", rows).toString(), "--val-fraction", "0.25");
        NnRun b = train(two, m2, "--csv", write("b.csv", changed).toString(), "--val-fraction", "0.25");
        JsonNode x = new ObjectMapper().readTree(m1.toFile());
        JsonNode y = new ObjectMapper().readTree(m2.toFile());
        assertTrue(x.path("stopped_early").asBoolean(), "the run stops early: " + x);
        assertTrue(x.path("epochs").asInt() < 40, x.toString());
        assertEquals(x.path("epochs"), y.path("epochs"));
        assertEquals(x.path("validation_loss"), y.path("validation_loss"));
        assertSameWeights(one, two);
        // The test examples did differ, and were scored at the end only.
        assertNotEquals(x.path("final_test"), y.path("final_test"));
        assertFalse(x.has("test_loss"), x.toString());
        assertTrue(a.out().startsWith("test accuracy"), a.out());
        assertNotEquals(a.out(), b.out());
    }

    @Test
    void earlyStoppingIsTheSameWhateverTheTestFileHolds() throws IOException {
        Path train = write("train.csv", rows(5, ROWS));
        Path one = dir.resolve("one.safetensors");
        Path two = dir.resolve("two.safetensors");
        Path m1 = dir.resolve("one.json");
        Path m2 = dir.resolve("two.json");
        train(one, m1, "--csv", train.toString(), "--test-csv", write("t1.csv", rows(6, 100)).toString(),
                "--val-csv", write("v.csv", rows(7, 100)).toString(), "--test-each-epoch");
        train(two, m2, "--csv", train.toString(), "--test-csv", write("t2.csv", rows(8, 60)).toString(),
                "--val-csv", dir.resolve("v.csv").toString(), "--test-each-epoch");
        JsonNode x = new ObjectMapper().readTree(m1.toFile());
        JsonNode y = new ObjectMapper().readTree(m2.toFile());
        assertTrue(x.path("stopped_early").asBoolean(), x.toString());
        assertEquals(x.path("epochs"), y.path("epochs"));
        assertSameWeights(one, two);
        // --test-each-epoch: test scores for every epoch, for the record.
        assertEquals(x.path("epochs").asInt(), x.path("test_loss").size());
        assertNotEquals(x.path("test_loss"), y.path("test_loss"));
    }

    @Test
    void validationIsRecordedAndAResumeKeepsIt() throws IOException {
        Path csv = write("all.csv", rows(9, ROWS));
        Path model = dir.resolve("run.safetensors");
        NnRun first = NnRun.of("train", "--csv", csv.toString(), "--label", "label", "--val-fraction", "0.25",
                "--hidden", "8", "--backend", "ejml", "--epochs", "2", "--out", model.toString());
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("held out for validation"), first.out());
        assertTrue(first.out().contains("validation loss"), first.out());
        NnRun other = NnRun.of("train", "--csv", csv.toString(), "--label", "label", "--val-fraction", "0.3",
                "--resume", model.toString(), "--epochs", "3");
        assertEquals(2, other.code(), other.out());
        assertTrue(other.err().contains("--val-fraction 0.3: ") && other.err().contains("0.25 of the training"),
                other.err());
        NnRun resumed = NnRun.of("train", "--csv", csv.toString(), "--label", "label", "--resume", model.toString(),
                "--epochs", "3", "--backend", "ejml");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("epoch 3: train loss") && resumed.out().contains("validation loss"),
                resumed.out());
    }

    @Test
    void restoreBestEndsWithTheWeightsOfTheBestValidationEpoch() throws IOException {
        Path csv = write("all.csv", rows(3, ROWS));
        Path restored = dir.resolve("restored.safetensors");
        Path metrics = dir.resolve("restored.json");
        NnRun run = train(restored, metrics, "--csv", csv.toString(), "--val-fraction", "0.25", "--restore-best");
        JsonNode json = new ObjectMapper().readTree(metrics.toFile());
        int best = Integer.parseInt(number(run.out(), "with the weights of epoch (\\d+), the lowest validation loss"));
        assertTrue(best < json.path("epochs").asInt(), run.out());
        // The same run cut at the best epoch: the same weights, bit for bit.
        Path cut = dir.resolve("cut.safetensors");
        NnRun shorter = NnRun.of("train", "--label", "label", "--csv", csv.toString(), "--val-fraction", "0.25",
                "--hidden", "16", "--backend", "ejml", "--lr", "0.05", "--patience", "2", "--quiet", "--epochs",
                Integer.toString(best), "--out", cut.toString());
        assertEquals(0, shorter.code(), shorter.err());
        assertSameWeights(restored, cut);
        // The last line scored the restored model: nn evaluate --split test agrees.
        NnRun evaluated = NnRun.of("evaluate", "--model", restored.toString(), "--csv", csv.toString(), "--label",
                "label", "--split", "test");
        assertEquals(number(run.out(), "test accuracy ([0-9.]+)"), number(evaluated.out(), "accuracy ([0-9.]+), loss"));
        NnRun without = NnRun.of("train", "--csv", csv.toString(), "--label", "label", "--restore-best");
        assertEquals(2, without.code());
        assertTrue(without.err().contains("--val-fraction"), without.err());
    }

    private static String number(String text, String pattern) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(pattern).matcher(text);
        assertTrue(m.find(), pattern + " in: " + text);
        return m.group(1);
    }

    @Test
    void evaluateScoresExactlyTheExamplesTheRunHeldOut() throws IOException {
        List<String> rows = rows(12, ROWS);
        Path csv = write("all.csv", rows);
        Path model = dir.resolve("run.safetensors");
        NnRun run = NnRun.of("train", "--csv", csv.toString(), "--label", "label", "--val-fraction", "0.25",
                "--test-fraction", "0.3", "--hidden", "8", "--backend", "ejml", "--epochs", "3", "--out", model.toString());
        assertEquals(0, run.code(), run.err());
        String lastEpoch = run.out().lines().filter(l -> l.startsWith("epoch 3:")).findFirst().orElseThrow();
        NnRun test = NnRun.of("evaluate", "--model", model.toString(), "--csv", csv.toString(), "--label", "label",
                "--split", "test");
        assertEquals(0, test.code(), test.err());
        assertTrue(test.out().contains("(120 test examples of the model's training run)"), test.out());
        assertEquals(number(run.out(), "test accuracy ([0-9.]+) \\(120 test examples"),
                number(test.out(), "accuracy ([0-9.]+), loss"));
        NnRun validation = NnRun.of("evaluate", "--model", model.toString(), "--csv", csv.toString(), "--label",
                "label", "--split", "validation", "--json");
        assertEquals(0, validation.code(), validation.err());
        JsonNode json = new ObjectMapper().readTree(validation.out());
        assertEquals(70, json.path("examples").asInt(), json.toString());
        assertEquals(number(lastEpoch, "validation loss ([0-9.]+)"),
                String.format(Locale.ROOT, "%.4f", json.path("loss").asDouble()));
        // Other values in a row the run held out for test: refused, the examples named.
        List<String> changed = new ArrayList<>(rows);
        int row = Split.heldOut(ROWS, 0.3, 42, "rows")[0];
        changed.set(row, rows(13, 1).get(0));
        NnRun other = NnRun.of("evaluate", "--model", model.toString(), "--csv", write("changed.csv", changed).toString(),
                "--label", "label", "--split", "test");
        assertEquals(2, other.code(), other.out());
        assertTrue(other.err().contains("not the 120 examples") && other.err().contains("held out for test"),
                other.err());
        // A run without validation examples, and a run on Fashion-MNIST evaluated on a CSV file: one line each.
        Path plain = dir.resolve("plain.safetensors");
        assertEquals(0, NnRun.of("train", "--csv", csv.toString(), "--label", "label", "--hidden", "8", "--backend",
                "ejml", "--epochs", "1", "--out", plain.toString(), "--quiet").code());
        NnRun none = NnRun.of("evaluate", "--model", plain.toString(), "--csv", csv.toString(), "--label", "label",
                "--split", "validation");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("held out no validation examples"), none.err());
        NnRun noCsv = NnRun.of("evaluate", "--model", plain.toString(), "--split", "test");
        assertEquals(2, noCsv.code());
        assertTrue(noCsv.err().contains("give it with --csv"), noCsv.err());
    }

    @Test
    void patienceWithoutValidationAndValidationOnAClusterAreRefused() throws IOException {
        Path csv = write("all.csv", rows(9, 100));
        NnRun patience = NnRun.of("train", "--csv", csv.toString(), "--label", "label", "--patience", "2");
        assertEquals(2, patience.code());
        assertEquals(1, patience.err().strip().lines().count(), patience.err());
        assertTrue(patience.err().contains("--val-fraction"), patience.err());
        NnRun both = NnRun.of("train", "--csv", csv.toString(), "--label", "label", "--val-fraction", "0.2",
                "--val-csv", csv.toString());
        assertEquals(2, both.code());
        NnRun range = NnRun.of("train", "--csv", csv.toString(), "--label", "label", "--val-fraction", "1.5");
        assertEquals(2, range.code());
        assertTrue(range.err().contains("between 0 and 1"), range.err());
        NnRun cluster = NnRun.of("train", "--csv", csv.toString(), "--label", "label", "--val-fraction", "0.2",
                "--spark", "local[1]");
        assertEquals(2, cluster.code());
        assertTrue(cluster.err().contains("not on a cluster"), cluster.err());
    }
}
