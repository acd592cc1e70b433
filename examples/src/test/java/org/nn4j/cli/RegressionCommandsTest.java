package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regression as a user runs it: real-valued targets in a CSV, trained with mse, evaluated and predicted. */
class RegressionCommandsTest {
    private static final String[] SMALL = {"--backend", "ejml"};

    @TempDir
    Path dir;

    /**
     * Rows of 4 features drawn from a seeded normal and two targets, each linear in them plus noise: a
     * least-squares fit's R² is about 1 - noise² / variance.
     */
    private Path linearData(long seed, int rows) throws IOException {
        Random random = new Random(seed);
        double[][] weights = {{1.5, -2, 0.5, 3}, {0, 1, -1, 0.5}};
        StringBuilder csv = new StringBuilder("a,b,c,d,price,score\n");
        for (int r = 0; r < rows; r++) {
            double[] x = new double[4];
            for (int j = 0; j < 4; j++) {
                x[j] = random.nextGaussian();
                csv.append(String.format(Locale.ROOT, "%.6f,", x[j]));
            }
            for (int t = 0; t < 2; t++) {
                double y = t == 0 ? 0.3 : -1;
                for (int j = 0; j < 4; j++) {
                    y += weights[t][j] * x[j];
                }
                y += (t == 0 ? 0.5 : 0.2) * random.nextGaussian();
                csv.append(String.format(Locale.ROOT, "%.6f", y)).append(t == 0 ? "," : "\n");
            }
        }
        Path file = dir.resolve("linear-" + seed + ".csv");
        Files.writeString(file, csv);
        return file;
    }

    private static double number(String text, String label) {
        Matcher m = Pattern.compile(label + " (-?[0-9.]+(?:e[-+]?[0-9]+)?)").matcher(text);
        assertTrue(m.find(), label + " in: " + text);
        return Double.parseDouble(m.group(1));
    }

    private static NnRun nn(String... args) {
        return NnRun.of(args);
    }

    private static String[] with(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @Test
    void twoTargetsTrainToALeastSquaresFitsR2AndAreEvaluatedAndPredicted() throws IOException {
        Path csv = linearData(11, 800);
        Path model = dir.resolve("model.safetensors");
        Path metrics = dir.resolve("metrics.json");
        NnRun run = nn(with(new String[] {"train", "--csv", csv.toString(), "--label", "price,score", "--loss", "mse",
            "--epochs", "40", "--out", model.toString(), "--metrics-json", metrics.toString()}, SMALL));
        assertEquals(0, run.code(), run.err());
        String last = run.out().lines().filter(l -> l.startsWith("test mse")).findFirst().orElseThrow();
        // Noise 0.5 and 0.2 on targets of variance 15.5 and 2.25: a least-squares fit reaches R² of about
        // 0.984 and 0.982.
        assertTrue(number(last, "r2") > 0.96, last);
        assertTrue(run.out().contains("(160 test examples, after epoch 40 of 40)"), run.out());
        JsonNode json = new ObjectMapper().readTree(metrics.toFile());
        assertEquals(40, json.path("test_r2").size());
        assertEquals(2, json.path("final_test").path("mae").size());

        NnRun evaluated = nn("evaluate", "--model", model.toString(), "--csv", csv.toString(), "--label", "price",
                "--label", "score", "--backend", "ejml");
        assertEquals(0, evaluated.code(), evaluated.err());
        assertTrue(evaluated.out().contains("mean over targets: mse "), evaluated.out());
        List<String> rows = evaluated.out().lines().filter(l -> l.startsWith("  price") || l.startsWith("  score"))
                .toList();
        assertEquals(2, rows.size(), evaluated.out());

        Path features = dir.resolve("features.csv");
        Files.write(features, Files.readAllLines(csv).stream().map(l -> l.substring(0, nthComma(l, 4))).toList());
        NnRun predicted = nn("predict", "--model", model.toString(), "--input", features.toString(), "--backend",
                "ejml");
        assertEquals(0, predicted.code(), predicted.err());
        List<String> lines = predicted.out().lines().toList();
        assertEquals("row,price,score", lines.get(0));
        assertEquals(801, lines.size());
        // The first row's predictions are near its targets (the noise is 0.5 and 0.2).
        String[] first = Files.readAllLines(csv).get(1).split(",");
        String[] prediction = lines.get(1).split(",");
        assertTrue(Math.abs(Double.parseDouble(prediction[1]) - Double.parseDouble(first[4])) < 2.5, lines.get(1));
        assertTrue(Math.abs(Double.parseDouble(prediction[2]) - Double.parseDouble(first[5])) < 1.5, lines.get(1));
    }

    @Test
    void targetsOfLargeScaleTrainWithTheDefaultsAndComeBackInTheirUnits() throws IOException {
        // Prices of about 3e5 from features of scale 150, 80 and 10: raw, Adam at 1e-3 gets nowhere in 10 epochs.
        Random random = new Random(7);
        StringBuilder text = new StringBuilder("area,rooms,age,price\n");
        for (int r = 0; r < 1000; r++) {
            double area = 150 + 40 * random.nextGaussian();
            int rooms = 1 + random.nextInt(6);
            double age = 80 * random.nextDouble();
            double price = 2000 * area + 15000 * rooms - 800 * age + 50000 + 20000 * random.nextGaussian();
            text.append(String.format(Locale.ROOT, "%.2f,%d,%.1f,%.2f%n", area, rooms, age, price));
        }
        Path csv = dir.resolve("houses.csv");
        Files.writeString(csv, text);
        Path model = dir.resolve("houses.safetensors");
        NnRun run = nn("train", "--csv", csv.toString(), "--label", "price", "--loss", "mse", "--backend", "ejml",
                "--out", model.toString());
        assertEquals(0, run.code(), run.err());
        String last = run.out().lines().filter(l -> l.startsWith("test mse")).findFirst().orElseThrow();
        assertTrue(number(last, "r2") > 0.9, last);
        assertTrue(run.out().contains("targets standardised"), run.out());
        // The errors are in the targets' units: a mean absolute error of some 1e4, not of a standardised 0.1.
        assertTrue(number(last, "mae") > 5000 && number(last, "mae") < 40000, last);
        org.nn4j.io.ModelFile.Loaded loaded = org.nn4j.io.ModelFile.load(model, org.nn4j.api.Backends.select("ejml"));
        assertTrue(loaded.targetStandardizer() != null && loaded.targetStandardizer().mean()[0] > 1e5);
        NnRun evaluated = nn("evaluate", "--model", model.toString(), "--csv", csv.toString(), "--label", "price",
                "--split", "test", "--json");
        assertEquals(0, evaluated.code(), evaluated.err());
        JsonNode json = new ObjectMapper().readTree(evaluated.out());
        assertEquals(number(last, "mse"), Double.parseDouble(String.format(Locale.ROOT, "%.6g", json.path("mse")
                .asDouble())), 1e-9 * number(last, "mse"));
        NnRun raw = nn("train", "--csv", csv.toString(), "--label", "price", "--loss", "mse", "--backend", "ejml",
                "--no-standardize");
        assertEquals(0, raw.code(), raw.err());
        assertTrue(number(raw.out().lines().filter(l -> l.startsWith("test mse")).findFirst().orElseThrow(), "r2") < 0,
                raw.out());
    }

    @Test
    void l1AndSmoothL1TrainAsRegressionByTheirPyTorchNamesToo() throws IOException {
        Path csv = linearData(3, 600);
        for (String loss : List.of("l1", "SmoothL1Loss")) {
            NnRun run = nn(with(new String[] {"train", "--csv", csv.toString(), "--label", "price,score", "--loss", loss,
                "--epochs", "20"}, SMALL));
            assertEquals(0, run.code(), run.err());
            String last = run.out().lines().filter(l -> l.startsWith("test mse")).findFirst().orElseThrow();
            assertTrue(number(last, "r2") > 0.9, loss + ": " + last);
            assertTrue(run.out().contains(loss.equals("l1") ? ", l1;" : ", smooth_l1;"), run.out());
        }
    }

    private static int nthComma(String line, int n) {
        int at = -1;
        for (int i = 0; i < n; i++) {
            at = line.indexOf(',', at + 1);
        }
        return at;
    }

    @Test
    void aResumedRunTrainsAsAStraightOne() throws IOException {
        Path csv = linearData(5, 300);
        String[] common = with(new String[] {"train", "--csv", csv.toString(), "--label", "price,score", "--loss",
            "mse"}, SMALL);
        Path straight = dir.resolve("straight.json");
        assertEquals(0, nn(with(common, "--epochs", "3", "--metrics-json", straight.toString())).code());
        Path model = dir.resolve("m.safetensors");
        assertEquals(0, nn(with(common, "--epochs", "1", "--out", model.toString())).code());
        Path resumed = dir.resolve("resumed.json");
        NnRun again = nn("train", "--csv", csv.toString(), "--label", "price,score", "--resume", model.toString(),
                "--epochs", "3", "--metrics-json", resumed.toString(), "--backend", "ejml");
        assertEquals(0, again.code(), again.err());
        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(straight.toFile());
        JsonNode b = json.readTree(resumed.toFile());
        assertEquals(a.get("train_loss"), b.get("train_loss"));
        assertEquals(a.get("test_r2"), b.get("test_r2"));
        assertEquals(a.get("final_test"), b.get("final_test"));

        // Other targets than the model's, resumed or evaluated, are one line; so are other features.
        NnRun other = nn("train", "--csv", csv.toString(), "--label", "score", "--resume", model.toString(),
                "--epochs", "3", "--backend", "ejml");
        assertEquals(2, other.code(), other.err());
        assertEquals("nn train: " + csv + ": the targets are [score], but the model predicts [price,"
                + " score]; give those as the target columns", other.err().strip());
        NnRun evaluated = nn("evaluate", "--model", model.toString(), "--csv", csv.toString(), "--label", "price",
                "--backend", "ejml");
        assertEquals(2, evaluated.code(), evaluated.err());
        assertEquals("nn evaluate: " + csv + ": the targets are [price], but the model predicts [price, score]; give"
                + " those as the target columns", evaluated.err().strip());
        Path narrow = dir.resolve("narrow.csv");
        Files.write(narrow, Files.readAllLines(csv).stream().map(l -> l.substring(l.indexOf(',') + 1)).toList());
        NnRun features = nn("evaluate", "--model", model.toString(), "--csv", narrow.toString(), "--label",
                "price,score", "--backend", "ejml");
        assertEquals(2, features.code(), features.err());
        assertEquals("nn evaluate: " + narrow + " has 3 features; the model " + model + " takes 4",
                features.err().strip());
    }

    @Test
    void predictLeavesOutTheLabelColumnsItIsTold() throws IOException {
        Path csv = dir.resolve("kinds.csv");
        Path features = dir.resolve("features-only.csv");
        StringBuilder labelled = new StringBuilder("x,kind,y\n");
        StringBuilder bare = new StringBuilder("x,y\n");
        Random random = new Random(4);
        for (int i = 0; i < 60; i++) {
            double x = random.nextGaussian();
            double y = random.nextGaussian();
            labelled.append(String.format(Locale.ROOT, "%.4f,%s,%.4f%n", x, x + y > 0 ? "up" : "down", y));
            bare.append(String.format(Locale.ROOT, "%.4f,%.4f%n", x, y));
        }
        Files.writeString(csv, labelled);
        Files.writeString(features, bare);
        Path model = dir.resolve("kinds.safetensors");
        NnRun trained = nn("train", "--csv", csv.toString(), "--label", "kind", "--epochs", "2", "--hidden", "8",
                "--backend", "ejml", "--out", model.toString());
        assertEquals(0, trained.code(), trained.err());
        NnRun withLabel = nn("predict", "--model", model.toString(), "--input", csv.toString(), "--label", "kind",
                "--backend", "ejml");
        assertEquals(0, withLabel.code(), withLabel.err());
        NnRun without = nn("predict", "--model", model.toString(), "--input", features.toString(), "--backend",
                "ejml");
        assertEquals(without.out(), withLabel.out());
        assertEquals(withLabel.out(), nn("predict", "--model", model.toString(), "--input", csv.toString(), "--label",
                "1", "--backend", "ejml").out());
        NnRun evaluated = nn("evaluate", "--model", model.toString(), "--csv", csv.toString(), "--label", "kind",
                "--json", "--backend", "ejml");
        assertEquals(0, evaluated.code(), evaluated.err());
        JsonNode scores = new ObjectMapper().readTree(evaluated.out());
        assertEquals(60, scores.path("examples").asInt());
        assertEquals(scores.path("accuracy").asDouble(), scores.path("weighted").path("recall").asDouble(), 1e-12);
        assertEquals(1.0, scores.path("top5_accuracy").asDouble());
        assertEquals(List.of("down", "up"), List.of(scores.path("classes").get(0).path("name").asText(),
                scores.path("classes").get(1).path("name").asText()));
        NnRun unknown = nn("predict", "--model", model.toString(), "--input", csv.toString(), "--label", "kinds",
                "--backend", "ejml");
        assertEquals(2, unknown.code());
        assertEquals("nn predict: " + csv + ": no column named 'kinds' in the header (columns: x, kind, y)",
                unknown.err().strip());
    }

    @Test
    void theTaskIsNeverGuessed() throws IOException {
        Path csv = linearData(3, 300);
        NnRun classes = nn("train", "--csv", csv.toString(), "--label", "price", "--epochs", "1", "--backend", "ejml");
        assertEquals(2, classes.code(), classes.err());
        assertTrue(classes.err().strip().matches("nn train: " + Pattern.quote(csv.toString())
                + ": the label '-?[0-9.]+' is a number with a fraction, not a class; for real-valued targets use a"
                + " regression loss \\(--loss mse\\)"), classes.err());

        Path counts = dir.resolve("counts.csv");
        StringBuilder text = new StringBuilder("x,y\n");
        for (int i = 0; i < 100; i++) {
            text.append(i % 7).append(',').append(i * 37 % 1000).append('\n');
        }
        Files.writeString(counts, text);
        NnRun many = nn("train", "--csv", counts.toString(), "--label", "y", "--epochs", "1", "--backend", "ejml");
        assertEquals(2, many.code(), many.err());
        assertEquals("nn train: " + counts + ": 80 distinct labels in 80 training examples, fewer than two examples"
                + " a class; for real-valued targets use a regression loss (--loss mse)", many.err().strip());

        Path named = dir.resolve("named.csv");
        Files.writeString(named, "x,kind\n1,cat\n2,dog\n3,cat\n4,dog\n5,cat\n");
        NnRun reverse = nn("train", "--csv", named.toString(), "--label", "kind", "--loss", "mse", "--epochs", "1",
                "--backend", "ejml");
        assertEquals(2, reverse.code(), reverse.err());
        assertTrue(reverse.err().strip().startsWith("nn train: " + named + ":2: column 'kind' is 'cat'; expected a"
                + " finite number"), reverse.err());
        assertEquals(1, reverse.err().strip().lines().count(), reverse.err());

        NnRun fashion = nn("train", "--loss", "mse", "--epochs", "1", "--backend", "ejml");
        assertEquals(2, fashion.code(), fashion.err());
        assertEquals("nn train: the loss 'mse' is for real-valued targets, and Fashion-MNIST has classes: give --csv"
                + " FILE --label COLUMN of targets, or a classification loss (--loss ce)", fashion.err().strip());

        NnRun twoClasses = nn("train", "--csv", named.toString(), "--label", "kind", "--label", "x", "--epochs", "1",
                "--backend", "ejml");
        assertEquals(2, twoClasses.code(), twoClasses.err());
        assertTrue(twoClasses.err().contains("a classifier takes one class column"), twoClasses.err());
    }
}
