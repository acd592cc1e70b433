package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.api.Backends;
import org.nn4j.train.TrainingRun;

/** --class-weights as a user gives them: balanced or a list, recorded with the run, refused where they do not apply. */
class ClassWeightsCommandsTest {
    @TempDir
    Path dir;

    /** 900 rows of class "common" and 100 of "rare", overlapping: an unweighted model favours the common class. */
    private Path imbalanced() throws IOException {
        Random random = new Random(4);
        StringBuilder csv = new StringBuilder("x,y,label\n");
        for (int r = 0; r < 1000; r++) {
            boolean rare = r % 10 == 0;
            double shift = rare ? 1.2 : 0;
            csv.append(String.format(Locale.ROOT, "%.5f,%.5f,%s%n", random.nextGaussian() + shift,
                    random.nextGaussian() + shift, rare ? "rare" : "common"));
        }
        Path file = dir.resolve("imbalanced.csv");
        Files.writeString(file, csv);
        return file;
    }

    private static double rareRecall(Path model, Path csv) throws IOException {
        NnRun run = NnRun.of("evaluate", "--model", model.toString(), "--csv", csv.toString(), "--label", "label",
                "--split", "test", "--json");
        assertEquals(0, run.code(), run.err());
        for (JsonNode c : new ObjectMapper().readTree(run.out()).path("classes")) {
            if (c.path("name").asText().equals("rare")) {
                return c.path("recall").asDouble();
            }
        }
        throw new AssertionError(run.out());
    }

    @Test
    void balancedWeightsAreRecordedKeptOnResumeAndRaiseTheRareClassesRecall() throws IOException {
        Path csv = imbalanced();
        Path weighted = dir.resolve("weighted.safetensors");
        Path plain = dir.resolve("plain.safetensors");
        String[] common = {"train", "--csv", csv.toString(), "--label", "label", "--hidden", "8", "--backend", "ejml",
            "--epochs", "8", "--lr", "0.01"};
        NnRun a = NnRun.of(with(common, "--class-weights", "balanced", "--out", weighted.toString()));
        assertEquals(0, a.code(), a.err());
        // 800 training rows, about 80 of them rare: 800 / (2 x count) for each class.
        assertTrue(a.out().matches("(?s).*\\(class weights 0\\.55\\d+, 5\\.\\d+\\).*"), a.out());
        NnRun b = NnRun.of(with(common, "--out", plain.toString()));
        assertEquals(0, b.code(), b.err());
        assertTrue(rareRecall(weighted, csv) > rareRecall(plain, csv) + 0.2,
                rareRecall(weighted, csv) + " vs " + rareRecall(plain, csv));
        TrainingRun resumed = TrainingRun.resume(weighted, org.nn4j.nn.spec.ModuleRegistry.load(),
                Backends.select("ejml")).on(org.nn4j.train.RunData.of(org.nn4j.data.Split.random(
                        org.nn4j.data.Csv.read(csv, "label"), 0.2, 42), org.nn4j.train.RunSplit.HeldOut.fraction(0.2), 42,
                        true));
        assertEquals(2, resumed.classWeights().length);
        assertEquals(5, resumed.classWeights()[1], 0.6);
        NnRun again = NnRun.of("train", "--csv", csv.toString(), "--label", "label", "--resume", weighted.toString(),
                "--class-weights", "1,2", "--epochs", "9");
        assertEquals(2, again.code());
        assertTrue(again.err().contains("--class-weights does not apply with --resume"), again.err());
    }

    @Test
    void badWeightsAreOneLine() throws IOException {
        Path csv = imbalanced();
        String[][] cases = {
            {"--class-weights", "1,2,3"}, {"--class-weights", "1,x"}, {"--class-weights", "0,0"},
            {"--class-weights", "1,-2"}, {"--class-weights", "balanced", "--loss", "mse"},
            {"--class-weights", "balanced", "--spark", "local[1]"},
        };
        String[] expected = {"3 weights for the 2 classes", "'x' is not a number", "all 0", "0 or more",
            "--class-weights", "not on a cluster"};
        for (int i = 0; i < cases.length; i++) {
            NnRun run = NnRun.of(with(new String[] {"train", "--csv", csv.toString(), "--label", "label", "--epochs", "1"},
                    cases[i]));
            assertEquals(2, run.code(), String.join(" ", cases[i]) + ": " + run.err());
            assertEquals(1, run.err().strip().lines().count(), run.err());
            assertTrue(run.err().contains(expected[i]), run.err());
        }
    }

    private static String[] with(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
