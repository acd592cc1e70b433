package org.nn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --resume trains on the run's own examples: its checkpoint records the split (share or held-out
 * file, seed, numbers and digests of the examples), a resume uses it, and another split or other data
 * is one line and exit 2 with the checkpoint as it was; a cosine schedule keeps its horizon.
 */
class ResumeCommandsTest {
    private static final String[] SMALL = {"--hidden", "8", "--batch-size", "16", "--backend", "ejml", "--quiet"};

    @TempDir
    Path dir;

    private Path csv;
    private List<String> rows;

    private static NnRun fresh(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(SMALL));
        return NnRun.of(all.toArray(String[]::new));
    }

    private static NnRun resume(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--backend", "ejml"));
        return NnRun.of(all.toArray(String[]::new));
    }

    @BeforeEach
    void twoBlobs() throws IOException {
        Random random = new Random(3);
        rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            boolean big = i % 2 == 0;
            rows.add(String.format(java.util.Locale.ROOT, "%.4f,%.4f,%s", (big ? 1 : -1) + random.nextGaussian(),
                    random.nextGaussian(), big ? "big" : "small"));
        }
        csv = write("blobs.csv", rows);
    }

    private Path write(String name, List<String> lines) throws IOException {
        return Files.writeString(dir.resolve(name), "x,y,kind\n" + String.join("\n", lines) + "\n");
    }

    /** The {@code nn4j.training} JSON of a model file. */
    private static JsonNode training(Path model) throws IOException {
        byte[] raw = Files.readAllBytes(model);
        int length = (int) ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        ObjectMapper json = new ObjectMapper();
        JsonNode header = json.readTree(new String(raw, 8, length, StandardCharsets.UTF_8));
        return json.readTree(header.get("__metadata__").get("nn4j.training").asText());
    }

    private static void assertRefused(NnRun run, Path model, byte[] before, String message) throws IOException {
        assertEquals(Main.BAD_INPUT, run.code(), run.err() + run.out());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("nn train: " + message), run.err());
        assertArrayEquals(before, Files.readAllBytes(model), "the checkpoint changed");
    }

    @Test
    void adamwWithClippingResumesAsAnUninterruptedRunWould() throws IOException {
        String[] run = {"train", "--csv", csv.toString(), "--label", "kind", "--optimizer", "adamw",
            "--clip-grad-norm", "0.5", "--lr", "0.01"};
        Path straight = dir.resolve("straight.json");
        List<String> args = new ArrayList<>(List.of(run));
        args.addAll(List.of("--epochs", "3", "--metrics-json", straight.toString()));
        assertEquals(0, fresh(args.toArray(String[]::new)).code());
        Path model = dir.resolve("m.safetensors");
        args = new ArrayList<>(List.of(run));
        args.addAll(List.of("--epochs", "1", "--out", model.toString()));
        NnRun first = fresh(args.toArray(String[]::new));
        assertEquals(0, first.code(), first.err());
        JsonNode optimizer = training(model).get("optimizer");
        assertEquals("adamw", optimizer.get("name").asText());
        assertEquals(0.01, optimizer.get("weight_decay").asDouble());
        assertEquals(0.5, optimizer.get("clip_grad_norm").asDouble());

        Path resumed = dir.resolve("resumed.json");
        NnRun again = resume("train", "--csv", csv.toString(), "--label", "kind", "--resume", model.toString(),
                "--epochs", "3", "--metrics-json", resumed.toString());
        assertEquals(0, again.code(), again.err());
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(straight.toFile()).get("train_loss"), json.readTree(resumed.toFile())
                .get("train_loss"));
        byte[] before = Files.readAllBytes(model);
        assertRefused(resume("train", "--csv", csv.toString(), "--label", "kind", "--resume", model.toString(),
                "--clip-grad-norm", "1"), model, before, "--clip-grad-norm does not apply with --resume");
        NnRun negative = fresh("train", "--csv", csv.toString(), "--label", "kind", "--clip-grad-norm", "-2");
        assertEquals(Main.BAD_INPUT, negative.code());
        assertEquals("nn train: --clip-grad-norm: the gradient norm limit must be zero (none) or a positive finite"
                + " number, not -2.0\n", negative.err());
    }

    @Test
    void aResumeHoldsOutTheRunsOwnShareAndEndsAsAnUninterruptedRunWould() throws IOException {
        Path straight = dir.resolve("straight.json");
        assertEquals(0, fresh("train", "--csv", csv.toString(), "--label", "kind", "--test-fraction", "0.3",
                "--epochs", "3", "--metrics-json", straight.toString()).code());
        Path model = dir.resolve("m.safetensors");
        NnRun first = fresh("train", "--csv", csv.toString(), "--label", "kind", "--test-fraction", "0.3", "--epochs",
                "1", "--out", model.toString());
        assertEquals(0, first.code(), first.err());
        JsonNode split = training(model).get("split");
        assertEquals("fraction", split.get("held_out").asText());
        assertEquals(0.3, split.get("test_fraction").asDouble());
        assertEquals(42, split.get("seed").asInt());
        assertEquals(140, split.get("train_examples").asInt());
        assertEquals(60, split.get("test_examples").asInt());
        assertTrue(split.get("train_sha256").asText().matches("[0-9a-f]{64}"), split.toString());
        assertTrue(split.get("test_sha256").asText().matches("[0-9a-f]{64}"), split.toString());

        // Without --test-fraction, the run's own 0.3 (the default, 0.2, would train on held-out examples).
        Path resumed = dir.resolve("resumed.json");
        NnRun run = resume("train", "--csv", csv.toString(), "--label", "kind", "--resume", model.toString(),
                "--epochs", "3", "--metrics-json", resumed.toString());
        assertEquals(0, run.code(), run.err());
        assertEquals("", run.err());
        assertTrue(run.out().contains("(140 training and 60 held-out examples, split with seed 42)"), run.out());
        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(straight.toFile());
        JsonNode b = json.readTree(resumed.toFile());
        for (String key : List.of("train_loss", "test_loss", "test_accuracy")) {
            assertEquals(a.get(key), b.get(key), key);
        }
        assertEquals(split, training(model).get("split"));

        // The same share given again is the run's own.
        NnRun same = resume("train", "--csv", csv.toString(), "--label", "kind", "--resume", model.toString(),
                "--epochs", "4", "--test-fraction", "0.3");
        assertEquals(0, same.code(), same.err());
    }

    @Test
    void anotherSplitOrOtherDataIsOneLineAndTheCheckpointIsKept() throws IOException {
        Path model = dir.resolve("m.safetensors");
        assertEquals(0, fresh("train", "--csv", csv.toString(), "--label", "kind", "--test-fraction", "0.3",
                "--epochs", "1", "--out", model.toString()).code());
        byte[] before = Files.readAllBytes(model);
        String[] resume = {"train", "--label", "kind", "--resume", model.toString(), "--epochs", "2"};

        assertRefused(resume(concat(resume, "--csv", csv.toString(), "--test-fraction", "0.5")), model, before,
                "--test-fraction 0.5: " + model + " held out 0.3 of its --csv examples (seed 42); resume with the"
                        + " run's own split (leave --test-fraction out)");
        assertRefused(resume(concat(resume, "--csv", csv.toString(), "--test-fraction", "0.2")), model, before,
                "--test-fraction 0.2: " + model + " held out 0.3 of its --csv examples (seed 42)");
        Path test = write("test.csv", rows.subList(0, 50));
        assertRefused(resume(concat(resume, "--csv", csv.toString(), "--test-csv", test.toString())), model, before,
                "--test-csv " + test + ": " + model + " held out 0.3 of its --csv examples (seed 42), not a --test-csv"
                        + " file; resume with the run's own split (leave --test-csv out)");

        // Other data of the same size: one value changed, or the rows in another order.
        List<String> changed = new ArrayList<>(rows);
        changed.set(17, "0.5,0.5,big");
        Path edited = write("edited.csv", changed);
        NnRun other = resume(concat(resume, "--csv", edited.toString()));
        assertRefused(other, model, before, model + ": the ");
        assertTrue(other.err().contains(" examples of " + edited + " (140 training and 60 held-out examples, split"
                + " with seed 42) are not those the run"), other.err());
        assertTrue(other.err().contains("(" + csv + " (140 training and 60 held-out examples, split with seed 42))"),
                other.err());
        List<String> reordered = new ArrayList<>(rows);
        java.util.Collections.reverse(reordered);
        assertRefused(resume(concat(resume, "--csv", write("reordered.csv", reordered).toString())), model, before,
                model + ": the training examples of ");
        // More examples: the same share of more rows.
        List<String> more = new ArrayList<>(rows);
        more.addAll(rows.subList(0, 30));
        assertRefused(resume(concat(resume, "--csv", write("more.csv", more).toString())), model, before,
                model + ": the training examples of ");
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @Test
    void aHeldOutFileIsRecordedAndTakenAgainWhenNotGiven() throws IOException {
        Path train = write("train.csv", rows.subList(0, 140));
        Path test = write("test.csv", rows.subList(140, 200));
        Path model = dir.resolve("m.safetensors");
        assertEquals(0, fresh("train", "--csv", train.toString(), "--label", "kind", "--test-csv", test.toString(),
                "--epochs", "1", "--out", model.toString()).code());
        JsonNode split = training(model).get("split");
        assertEquals("test-csv", split.get("held_out").asText());
        assertEquals(test.toAbsolutePath().normalize().toString(), split.get("test_csv").asText());
        assertFalse(split.has("test_fraction"), split.toString());

        NnRun again = resume("train", "--csv", train.toString(), "--label", "kind", "--resume", model.toString(),
                "--epochs", "2");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains(test.toAbsolutePath().normalize() + " (60 held-out)"), again.out());
        // The same examples in a file elsewhere are the run's own (and the file recorded from then on); others not.
        Path copy = Files.copy(test, dir.resolve("copy.csv"));
        NnRun fromCopy = resume("train", "--csv", train.toString(), "--label", "kind", "--resume", model.toString(),
                "--epochs", "3", "--test-csv", copy.toString());
        assertEquals(0, fromCopy.code(), fromCopy.err());
        byte[] before = Files.readAllBytes(model);
        Path other = write("other.csv", rows.subList(130, 190));
        assertRefused(resume("train", "--csv", train.toString(), "--label", "kind", "--resume", model.toString(),
                "--epochs", "4", "--test-csv", other.toString()), model, before, model + ": the held-out examples of "
                        + train + " (140 training examples) and " + other + " (60 held-out) are not those the run held"
                        + " out");
        assertRefused(resume("train", "--csv", train.toString(), "--label", "kind", "--resume", model.toString(),
                "--epochs", "4", "--test-fraction", "0.3"), model, before, "--test-fraction 0.3: " + model
                        + " held out the examples of --test-csv " + copy.toAbsolutePath().normalize()
                        + ", not a share of --csv");
    }

    @Test
    void aCheckpointOfAnOlderNn4jResumesWithANoteAndIsCheckedByItsCounts() throws IOException {
        Path corpus = Path.of("src", "test", "resources", "bad-inputs");
        Path good = Files.copy(corpus.resolve("good.csv"), dir.resolve("good.csv"));
        Path old = Files.copy(corpus.resolve("good.safetensors"), dir.resolve("old.safetensors"));
        byte[] before = Files.readAllBytes(old);
        assertFalse(training(old).has("split"));
        assertRefused(resume("train", "--csv", good.toString(), "--label", "label", "--resume", old.toString(),
                "--test-fraction", "0.5"), old, before, old + " was trained on ");

        NnRun run = resume("train", "--csv", good.toString(), "--label", "label", "--resume", old.toString(),
                "--epochs", "3");
        assertEquals(0, run.code(), run.err());
        assertEquals("nn train: note: " + old + " records no digest of its data (saved by an older nn4j); only the"
                + " numbers of examples could be compared", run.err().strip());
        assertEquals(0.2, training(old).get("split").get("test_fraction").asDouble());
        NnRun next = resume("train", "--csv", good.toString(), "--label", "label", "--resume", old.toString(),
                "--epochs", "4");
        assertEquals(0, next.code(), next.err());
        assertEquals("", next.err());
    }

    @Test
    void aCosineScheduleKeepsItsHorizonUnlessStretchedOnPurpose() throws IOException {
        Path model = dir.resolve("m.safetensors");
        assertEquals(0, fresh("train", "--csv", csv.toString(), "--label", "kind", "--schedule", "cosine-steps",
                "--epochs", "2", "--out", model.toString()).code());
        byte[] before = Files.readAllBytes(model);
        String[] resume = {"train", "--csv", csv.toString(), "--label", "kind", "--resume", model.toString()};
        assertRefused(resume(concat(resume, "--epochs", "5")), model, before, "--epochs 5: the cosine-steps"
                + " schedule of " + model + " spans its 2 epochs; over 5 its rates would change from epoch 3 on, and"
                + " the run would not end as an uninterrupted one of 5 epochs does; leave --epochs out, or add"
                + " --stretch-schedule");
        assertRefused(resume(concat(resume, "--stretch-schedule")), model, before,
                "--stretch-schedule applies only with a new --epochs");
        NnRun stretched = resume(concat(resume, "--epochs", "5", "--stretch-schedule"));
        assertEquals(0, stretched.code(), stretched.err());
        assertTrue(stretched.out().contains("5 epochs (cosine-steps schedule), seed 42; backend ejml, float32;"
                + " resuming after epoch 2, the schedule stretched from 2 to 5 epochs"), stretched.out());
        assertEquals(5, training(model).get("config").get("epochs").asInt());

        // A constant schedule's rates do not depend on the total: nothing to stretch.
        Path constant = dir.resolve("c.safetensors");
        assertEquals(0, fresh("train", "--csv", csv.toString(), "--label", "kind", "--epochs", "1", "--out",
                constant.toString()).code());
        byte[] constantBefore = Files.readAllBytes(constant);
        assertRefused(resume("train", "--csv", csv.toString(), "--label", "kind", "--resume", constant.toString(),
                "--epochs", "3", "--stretch-schedule"), constant, constantBefore, "--stretch-schedule does not"
                        + " apply: the constant schedule of " + constant + " does not depend on the number of epochs");
    }

    @Test
    void evaluateTakesNoSplitOptions() {
        NnRun help = NnRun.of("evaluate", "--help");
        assertFalse(help.out().contains("--test-fraction") || help.out().contains("--test-csv"), help.out());
        assertTrue(NnRun.of("train", "--help").out().contains("--test-fraction"));
    }
}
