package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train, evaluate and predict as a user runs them, on the shipped Fashion-MNIST subset and on CSV files. */
class TrainCommandsTest {
    private static final String[] SMALL = {"--hidden", "32", "--batch-size", "64", "--backend", "ejml"};

    @TempDir
    static Path data;

    @TempDir
    Path dir;


    private static NnRun nn(String... args) {
        return NnRun.of(args);
    }

    private static String[] args(String... parts) {
        List<String> all = new ArrayList<>(List.of(parts));
        all.addAll(List.of(SMALL));
        return all.toArray(String[]::new);
    }

    @BeforeAll
    static void copyTheShippedSubset() throws IOException {
        ShippedSubset.copyTo(data);
    }

    @Test
    void trainWritesModelPlotAndMetrics() throws IOException {
        Path model = dir.resolve("model.safetensors");
        Path plot = dir.resolve("curve.png");
        Path metrics = dir.resolve("metrics.json");
        NnRun run = nn(args("train", "--data", data.toString(), "--epochs", "2", "--out", model.toString(), "--plot",
                plot.toString(), "--metrics-json", metrics.toString()));
        assertEquals(0, run.code(), run.err());
        assertEquals("", run.err());
        assertTrue(run.out().contains("data: Fashion-MNIST from " + data + " (10000 training, 2000 test images)"), run.out());
        assertTrue(run.out().contains("epoch 2: train loss "), run.out());
        assertTrue(run.out().contains("test accuracy 0."), run.out());
        byte[] png = Files.readAllBytes(plot);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
        JsonNode json = new ObjectMapper().readTree(metrics.toFile());
        for (String key : List.of("train_loss", "test_loss", "test_accuracy", "samples_per_second")) {
            assertEquals(2, json.get(key).size(), key);
        }
        assertTrue(json.path("final_test").path("accuracy").asDouble() > 0.75, json.toString());
        assertEquals("ejml", json.get("backend").asText());
        assertEquals("float32", json.get("dtype").asText());
        assertEquals(42, json.get("seed").asInt());
        assertTrue(json.get("data").asText().contains(data.toString()));
        assertTrue(Files.size(model) > 0);
    }

    @Test
    void resumingContinuesToTheResultOfAnUninterruptedRun() throws IOException {
        Path straight = dir.resolve("straight.json");
        assertEquals(0, nn(args("train", "--data", data.toString(), "--epochs", "2", "--metrics-json",
                straight.toString(), "--quiet")).code());
        Path model = dir.resolve("m.safetensors");
        assertEquals(0, nn(args("train", "--data", data.toString(), "--epochs", "1", "--out", model.toString(),
                "--quiet")).code());
        Path resumed = dir.resolve("resumed.json");
        NnRun run = nn("train", "--data", data.toString(), "--resume", model.toString(), "--epochs", "2",
                "--metrics-json", resumed.toString(), "--backend", "ejml");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("resuming after epoch 1"), run.out());
        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(straight.toFile());
        JsonNode b = json.readTree(resumed.toFile());
        assertEquals(a.get("train_loss"), b.get("train_loss"));
        assertEquals(a.get("test_loss"), b.get("test_loss"));
        assertEquals(a.get("test_accuracy"), b.get("test_accuracy"));

        NnRun again = nn("train", "--data", data.toString(), "--resume", model.toString(), "--backend", "ejml");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("nothing to do: " + model + " has 2 of 2 epochs done"), again.out());
    }

    @Test
    void evaluateAndPredictUseTheSavedModel() throws IOException {
        Path model = dir.resolve("m.safetensors");
        assertEquals(0, nn(args("train", "--data", data.toString(), "--epochs", "1", "--out", model.toString(),
                "--quiet")).code());
        NnRun evaluation = nn("evaluate", "--model", model.toString(), "--data", data.toString());
        assertEquals(0, evaluation.code(), evaluation.err());
        assertTrue(evaluation.out().contains("accuracy 0."), evaluation.out());
        assertTrue(evaluation.out().contains("per-class accuracy:\n  T-shirt/top"), evaluation.out());
        assertTrue(evaluation.out().contains("  Ankle boot "), evaluation.out());
        long matrixRows = evaluation.out().lines().dropWhile(l -> !l.startsWith("confusion matrix")).skip(1).count();
        assertEquals(10, matrixRows);
        NnRun inFloat64 = nn("evaluate", "--model", model.toString(), "--data", data.toString(), "--dtype", "float64");
        assertEquals(0, inFloat64.code(), inFloat64.err());
        assertTrue(inFloat64.out().contains("linear(out_features=10), softmax_cross_entropy, float64)"), inFloat64.out());
        String accuracy = evaluation.out().replaceAll("(?s).*accuracy (\\S+),.*", "$1");
        assertEquals(accuracy, inFloat64.out().replaceAll("(?s).*accuracy (\\S+),.*", "$1"));

        NnRun prediction = nn("predict", "--model", model.toString(), "--input",
                data.resolve("t10k-images-idx3-ubyte.gz").toString());
        assertEquals(0, prediction.code(), prediction.err());
        List<String> lines = prediction.out().lines().toList();
        assertEquals(2001, lines.size());
        assertTrue(lines.get(0).startsWith("row,class,p_T-shirt/top,p_Trouser,"), lines.get(0));
        String[] first = lines.get(1).split(",");
        double sum = 0;
        for (int c = 2; c < first.length; c++) {
            sum += Double.parseDouble(first[c]);
        }
        assertEquals(1.0, sum, 1e-4);
    }

    @Test
    void csvDataWithStandardisation() throws IOException {
        Path csv = dir.resolve("blobs.csv");
        Random random = new Random(4);
        StringBuilder text = new StringBuilder("width,height,kind\n");
        StringBuilder features = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            boolean big = i % 2 == 0;
            double w = (big ? 120 : 80) + 8 * random.nextGaussian();
            double h = (big ? 3 : 1) + 0.4 * random.nextGaussian();
            text.append(w).append(',').append(h).append(',').append(big ? "big" : "small").append('\n');
            features.append(w).append(',').append(h).append('\n');
        }
        Files.writeString(csv, text);
        Path model = dir.resolve("csv.safetensors");
        NnRun run = nn("train", "--csv", csv.toString(), "--label", "kind", "--standardize", "--hidden", "8",
                "--epochs", "20", "--batch-size", "16", "--out", model.toString(), "--backend", "ejml");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("240 training and 60 held-out examples"), run.out());
        double accuracy = Double.parseDouble(run.out().replaceAll("(?s).*test accuracy (\\S+) .*", "$1"));
        assertTrue(accuracy > 0.9, run.out());

        Path rows = Files.writeString(dir.resolve("rows.csv"), features.toString());
        NnRun prediction = nn("predict", "--model", model.toString(), "--input", rows.toString());
        assertEquals(0, prediction.code(), prediction.err());
        List<String> lines = prediction.out().lines().toList();
        assertEquals("row,class,p_big,p_small", lines.get(0));
        assertTrue(lines.get(1).startsWith("0,big,"), lines.get(1));
        assertTrue(lines.get(2).startsWith("1,small,"), lines.get(2));
    }

    /** Two blobs of (width, height), {@code n} examples, the class in {@code kind}, columns in the order given. */
    private static String blobs(int n, long seed, String... columns) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder(String.join(",", columns)).append('\n');
        for (int i = 0; i < n; i++) {
            boolean big = i % 2 == 0;
            java.util.Map<String, String> row = java.util.Map.of(
                    "width", Double.toString((big ? 120 : 80) + 8 * random.nextGaussian()),
                    "height", Double.toString((big ? 3 : 1) + 0.4 * random.nextGaussian()),
                    "kind", big ? "1" : "0.0");
            text.append(String.join(",", java.util.Arrays.stream(columns).map(row::get).toList())).append('\n');
        }
        return text.toString();
    }

    @Test
    void aTestFileWithItsColumnsInAnotherOrderIsReadByName() throws IOException {
        Path train = Files.writeString(dir.resolve("train.csv"), blobs(200, 5, "width", "height", "kind"));
        Path same = Files.writeString(dir.resolve("same.csv"), blobs(100, 6, "width", "height", "kind"));
        Path swapped = Files.writeString(dir.resolve("swapped.csv"), blobs(100, 6, "kind", "height", "width"));
        String[] run = {"train", "--csv", train.toString(), "--label", "kind", "--standardize", "--hidden", "8",
            "--epochs", "5", "--batch-size", "16", "--backend", "ejml", "--quiet", "--test-csv"};
        NnRun inOrder = nn(concat(run, same.toString()));
        NnRun byName = nn(concat(run, swapped.toString()));
        assertEquals(0, inOrder.code(), inOrder.err());
        assertEquals(0, byName.code(), byName.err());
        assertTrue(inOrder.out().startsWith("test accuracy 0.9") || inOrder.out().startsWith("test accuracy 1.0"),
                inOrder.out());
        assertEquals(inOrder.out(), byName.out());
    }

    private static String[] concat(String[] first, String... rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    @Test
    void labelsThatAreTheSameNumberAreOneClass() throws IOException {
        // kind is 1 or 0.0: as written, two classes; 1.0 and 0 in the test file are the same two.
        Path train = Files.writeString(dir.resolve("train.csv"), blobs(60, 7, "width", "height", "kind"));
        Path test = Files.writeString(dir.resolve("test.csv"), "width,height,kind\n120,3,1.0\n80,1,0\n");
        Path model = dir.resolve("m.safetensors");
        NnRun run = nn("train", "--csv", train.toString(), "--label", "kind", "--test-csv", test.toString(),
                "--hidden", "4", "--epochs", "1", "--out", model.toString(), "--backend", "ejml", "--quiet");
        assertEquals(0, run.code(), run.err());
        NnRun prediction = nn("predict", "--model", model.toString(), "--input",
                Files.writeString(dir.resolve("rows.csv"), "120,3\n").toString());
        assertEquals(0, prediction.code(), prediction.err());
        assertEquals("row,class,p_0,p_1", prediction.out().lines().findFirst().orElseThrow());
    }

    @Test
    void aHundredThousandClassesAreEvaluatedWithoutAMatrixOfTenBillionCells() throws IOException {
        StringBuilder text = new StringBuilder("x,y,label\n");
        for (int i = 0; i < 60; i++) {
            text.append(i % 2).append(',').append(i % 3).append(',').append(i % 2 == 0 ? 0 : 99_999).append('\n');
        }
        Path csv = Files.writeString(dir.resolve("wide.csv"), text);
        Path model = dir.resolve("wide.safetensors");
        NnRun run = nn("train", "--csv", csv.toString(), "--label", "label", "--hidden", "4", "--epochs", "1",
                "--out", model.toString(), "--backend", "ejml", "--quiet");
        assertEquals(0, run.code(), run.err());
        NnRun evaluation = nn("evaluate", "--model", model.toString(), "--csv", csv.toString(), "--label", "label",
                "--backend", "ejml");
        assertEquals(0, evaluation.code(), evaluation.err());
        List<String> lines = evaluation.out().lines().toList();
        assertTrue(lines.contains("  (99998 of the 100000 classes have no examples)"), evaluation.out());
        int matrix = lines.indexOf("confusion matrix, the cells that are not 0 (true class -> predicted class:"
                + " examples):");
        assertTrue(matrix > 0, evaluation.out());
        int counted = 0;
        for (String cell : lines.subList(matrix + 1, lines.size())) {
            assertTrue(cell.matches("  (0|99999) -> \\d+: \\d+"), cell);
            counted += Integer.parseInt(cell.replaceAll(".*: ", ""));
        }
        assertEquals(60, counted);
    }

    @Test
    void badInputGivesOneLine() throws IOException {
        assertBadInput(nn(args("train", "--csv", "x.csv")), "nn train: --csv needs --label COLUMN");
        assertBadInput(nn(args("train", "--data", dir.resolve("none").toString())),
                "nn train: " + dir.resolve("none") + ": no such directory");
        assertBadInput(nn(args("train", "--data", data.toString(), "--activation", "swish")),
                "nn train: unknown --activation 'swish'; expected relu, tanh or sigmoid");
        assertBadInput(nn(args("train", "--data", data.toString(), "--epochs", "0")),
                "nn train: epochs must be at least 1, not 0");
        assertBadInput(nn(args("train", "--data", data.toString(), "--schedule", "linear")),
                "nn train: unknown learning-rate schedule 'linear'");
        assertBadInput(nn(args("train", "--data", data.toString(), "--spark", "local[1]")),
                "nn train: --spark needs nn4j's distributed module on the class path");
        assertBadInput(nn(args("train", "--data", data.toString(), "--optimizer", "sgd", "--lr", "1e30")),
                "nn train: training diverged in epoch 1, batch ");
        Path model = dir.resolve("m.safetensors");
        assertEquals(0, nn(args("train", "--data", data.toString(), "--epochs", "1", "--out", model.toString(),
                "--quiet")).code());
        assertBadInput(nn("train", "--resume", model.toString(), "--hidden", "64", "--data", data.toString()),
                "nn train: --hidden does not apply with --resume: " + model);
        assertBadInput(nn("evaluate", "--model", dir.resolve("missing").toString()),
                "nn evaluate: " + dir.resolve("missing") + ": no such file");
        Path narrow = Files.writeString(dir.resolve("narrow.csv"), "1,2,3\n4,5,6\n");
        assertBadInput(nn("predict", "--model", model.toString(), "--input", narrow.toString()),
                "nn predict: " + narrow + ": rows of 3 features; the model " + model + " takes 784");
    }

    private static void assertBadInput(NnRun run, String startOfMessage) {
        assertEquals(Main.BAD_INPUT, run.code(), run.err() + run.out());
        assertTrue(run.err().startsWith(startOfMessage), run.err());
        assertEquals(1, run.err().lines().count(), "one line on stderr: " + run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    @Test
    void averageEveryNeedsSparkAndAPositiveCount() {
        NnRun withoutSpark = nn(args("train", "--data", data.toString(), "--average-every", "8"));
        assertEquals(2, withoutSpark.code());
        assertEquals("nn train: --average-every applies only with --spark", withoutSpark.err().strip());
        NnRun zero = nn(args("train", "--data", data.toString(), "--average-every", "0", "--spark", "local[1]"));
        assertEquals(2, zero.code());
        assertEquals("nn train: --average-every must be at least 1, not 0", zero.err().strip());
        NnRun badSetting = nn(args("train", "--data", data.toString(), "--spark", "local[1]", "--spark-conf",
                "spark.executor.memory"));
        assertEquals(2, badSetting.code());
        assertEquals("nn train: --spark-conf 'spark.executor.memory' must be KEY=VALUE, for example"
                + " spark.executor.memory=4g", badSetting.err().strip());
        NnRun settingWithoutSpark = nn(args("train", "--data", data.toString(), "--spark-conf", "a=b"));
        assertEquals("nn train: --spark-conf applies only with --spark", settingWithoutSpark.err().strip());
        NnRun readWithoutSpark = nn(args("train", "--data", data.toString(), "--read-on-executors"));
        assertEquals("nn train: --read-on-executors applies only with --spark", readWithoutSpark.err().strip());
        NnRun readTheSubset = nn(args("train", "--spark", "local[1]", "--read-on-executors"));
        assertEquals(2, readTheSubset.code());
        assertEquals("nn train: --read-on-executors needs --data DIR (a directory of Fashion-MNIST's IDX files) or"
                + " --csv FILE, a path that every executor sees", readTheSubset.err().strip());
    }

    @Test
    void aDataSetOfOneClassIsRefused() throws IOException {
        Path csv = Files.writeString(dir.resolve("one.csv"), "x,kind\n1,cat\n2,cat\n3,cat\n4,cat\n5,cat\n");
        NnRun run = nn("train", "--csv", csv.toString(), "--label", "kind", "--epochs", "1", "--backend", "ejml");
        assertEquals(2, run.code(), run.err());
        assertEquals("nn train: " + csv + ": every training example is of class 'cat'; a classifier needs examples of"
                + " two classes at least", run.err().strip());
    }

    @Test
    void threadsBeyondFourACoreAreCappedWithAMessage() {
        int cores = Runtime.getRuntime().availableProcessors();
        NnRun run = nn(args("train", "--data", data.toString(), "--epochs", "1", "--threads", "10000"));
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("nn: 10000 threads are more than 4 for each of this machine's " + cores
                + " cores; computing with " + 4 * cores), run.err());
    }

    @Test
    void anUnknownLossNamesTheLossesThereAre() {
        NnRun run = nn(args("train", "--data", data.toString(), "--loss", "hinge"));
        assertEquals(2, run.code());
        assertEquals("nn train: unknown --loss 'hinge'; expected ce, cross_entropy, l1, mse, smooth_l1, softmax_cross_entropy", run.err().strip());
    }
}
