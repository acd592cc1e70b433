package org.nn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.data.Dataset;
import org.nn4j.data.Examples;
import org.nn4j.data.Split;
import org.nn4j.io.InvalidInputException;
import org.nn4j.io.ModelFile;
import org.nn4j.nn.Model;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * Runs assembled in the library, as nn train assembles them: a new run checked against its data, and
 * a run resumed from its checkpoint with the checks a resume makes (its split, its data, its schedule).
 */
class TrainingRunTest {
    private final Backend backend = Backends.select("ejml");
    private final ModuleRegistry registry = ModuleRegistry.builtIn();

    /** Two blobs, one class each, their features shifted by {@code shift}. */
    private static Dataset blobs(int n, long seed, double shift) {
        Random random = new Random(seed);
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            x[2 * i] = (float) ((y[i] == 0 ? 1 : -1) + random.nextGaussian() + shift);
            x[2 * i + 1] = (float) (3 * random.nextGaussian() + 10);
        }
        return new Dataset(x, y, 2, List.of("big", "small"), "blobs");
    }

    /** A seeded share of {@code fraction} of {@code all} held out, as a run records it. */
    private static RunData data(Dataset all, double fraction, long seed) {
        return RunData.of(Split.random(all, fraction, seed), RunSplit.HeldOut.fraction(fraction), seed, true);
    }

    private RunBuilder mlp(String schedule) {
        return TrainingRun.builder(registry, backend, DType.FLOAT64).mlp(List.of(8), ActivationKind.TANH, "ce")
                .optimizer("sgd", 0.1, Map.of("momentum", 0.5))
                .config(new TrainingConfig(3, 16, 7, 0, LearningRateSchedule.parse(schedule)));
    }

    private List<double[]> weights(Model model) {
        List<double[]> weights = new ArrayList<>();
        model.parameterValues().forEach(p -> weights.add(backend.toArray(p)));
        return weights;
    }

    private static String refused(Runnable action) {
        return assertThrows(InvalidInputException.class, action::run).getMessage();
    }

    @Test
    void aNewRunChecksItsModelAgainstItsData() {
        RunData data = data(blobs(100, 1, 0), 0.2, 42);
        TrainingRun run = mlp("constant").standardize(true).build(data);
        assertEquals("[2] linear(out_features=8) tanh linear(out_features=2), softmax_cross_entropy; sgd lr 0.1, batch 16, 3 epochs"
                + " (constant schedule), seed 7", run.summary());
        assertEquals(List.of("big", "small"), run.classNames());
        assertTrue(run.data().description().endsWith(", standardised"), run.data().description());
        assertEquals(0.5, run.optimizer().settings().get("momentum"));
        assertEquals(0.2, run.data().split().testFraction());
        assertEquals(80, run.data().split().trainExamples());

        ModelSpec three = ModelSpec.parse("{\"input\": [3], \"layers\": [{\"type\": \"linear\", \"out_features\": 2}]}",
                "spec");
        assertEquals("three.json: the model takes input of shape [3] (3 values) but blobs has 2 features",
                refused(() -> mlp("constant").model(three, "three.json").build(data)));
        ModelSpec wide = ModelSpec.parse("{\"input\": [2], \"layers\": [{\"type\": \"linear\", \"out_features\": 3}]}",
                "spec");
        assertEquals("wide.json: the model gives 3 outputs but blobs has 2 classes; make the last layer's"
                + " out_features 2", refused(() -> mlp("constant").model(wide, "wide.json").build(data)));
        Dataset oneClass = new Dataset(new float[20], new int[10], 2, List.of("big", "small"), "one");
        assertEquals("one: every training example is of class 'big'; a classifier needs examples of two classes at"
                + " least", refused(() -> mlp("constant").build(data(oneClass, 0.2, 1))));
        assertEquals("unknown --loss 'hinge'; expected ce, cross_entropy, l1, mse, smooth_l1, softmax_cross_entropy", refused(() -> TrainingRun
                .builder(registry, backend, DType.FLOAT64).names(key -> "--" + key).mlp(List.of(4),
                        ActivationKind.RELU, "hinge")));
        assertEquals("momentum applies to optimizer sgd only; adam has no momentum", refused(() -> mlp("constant")
                .optimizer("adam", null, Map.of("momentum", 0.9))));
    }

    @Test
    void aResumedRunGoesOnWithItsOwnSplitStandardisationAndOptimizerAndEndsAsAnUninterruptedOne(@TempDir Path dir) {
        Dataset all = blobs(120, 2, 0);
        TrainingRun whole = mlp("cosine").standardize(true).build(data(all, 0.25, 7));
        TrainingHistory uninterrupted = whole.fit(whole.trainer());

        Path file = dir.resolve("run.safetensors");
        TrainingRun first = mlp("cosine").standardize(true).build(data(all, 0.25, 7));
        TrainingListener crashAfterOne = new TrainingListener() {
            @Override
            public void epochFinished(EpochMetrics metrics, TrainingHistory history) {
                throw new IllegalStateException("the machine went down");
            }
        };
        assertThrows(IllegalStateException.class, () -> first.fit(first.trainer().listener(first.checkpoints(file))
                .listener(crashAfterOne)));
        assertArrayEquals(first.data().standardizer().mean(), ModelFile.load(file, backend).standardizer().mean());

        SavedRun saved = TrainingRun.resume(file, registry, backend);
        assertEquals(0.25, saved.saved().split().testFraction());
        RunSplit.HeldOut held = saved.heldOut(null, null);
        assertEquals(RunSplit.HeldOut.fraction(0.25), held);
        TrainingRun resumed = saved.on(data(all, held.fraction(), saved.config().seed()));
        assertTrue(resumed.resumed());
        assertEquals(1, resumed.history().epochsDone());
        TrainingHistory history = resumed.fit(resumed.trainer().listener(resumed.checkpoints(file)));
        assertEquals(3, history.epochsDone());
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(weights(whole.model()).get(i), weights(resumed.model()).get(i), 0, "parameter " + i);
        }
        assertEquals(uninterrupted.last().test().loss(), history.last().test().loss());
        assertEquals(3, Checkpoints.resume(file, registry, backend).history().epochsDone());
    }

    @Test
    void aResumeRefusesAnotherSplitOtherDataAndAnotherHorizon(@TempDir Path dir) {
        Dataset all = blobs(120, 2, 0);
        Path file = dir.resolve("run.safetensors");
        TrainingRun run = mlp("cosine").build(data(all, 0.25, 7));
        assertThrows(IllegalStateException.class, () -> run.fit(run.trainer().listener(run.checkpoints(file))
                .listener(new TrainingListener() {
                    @Override
                    public void epochFinished(EpochMetrics metrics, TrainingHistory history) {
                        throw new IllegalStateException("the machine went down");
                    }
                })));
        SavedRun saved = TrainingRun.resume(file, registry, backend);

        assertEquals("test_fraction 0.2: " + file + " held out 0.25 of its csv examples (seed 7); resume with the"
                + " run's own split (leave test_fraction out)", refused(() -> saved.heldOut(0.2, null)));
        assertEquals("test_csv held.csv: " + file + " held out 0.25 of its csv examples (seed 7), not a test_csv"
                + " file; resume with the run's own split (leave test_csv out)", refused(() -> saved.heldOut(null,
                        "held.csv")));
        assertTrue(refused(() -> saved.on(data(blobs(120, 2, 0.5), 0.25, 7))).startsWith(file + ": the training"
                + " examples of blobs (90 training and 30 held-out examples, split with seed 7) are not those the run"
                + " was trained on (blobs (90 training"));
        assertTrue(refused(() -> saved.on(data(all, 0.3, 7))).startsWith(file + ": the training examples of"));

        assertEquals("epochs 5: the cosine schedule of " + file + " spans its 3 epochs; over 5 its rates would change"
                + " from epoch 2 on, and the run would not end as an uninterrupted one of 5 epochs does; leave epochs"
                + " out, or add stretch_schedule", refused(() -> saved.epochs(5, false)));
        assertEquals("stretch_schedule does not apply: epochs 3 is the run's own", refused(() -> saved.epochs(3,
                true)));
        assertEquals(5, saved.epochs(5, true).config().epochs());
    }

    @Test
    void aCheckpointWithoutARecordOfItsSplitResumesWithANote(@TempDir Path dir) {
        Dataset all = blobs(60, 3, 0);
        Split split = Split.random(all, 0.5, 9);
        Model model = mlp("constant").build(data(all, 0.5, 9)).model();
        Path file = dir.resolve("old.safetensors");
        Trainer.builder(model).epochs(1).batchSize(8).seed(9)
                .listener(new CheckpointListener(file, 1, all.classNames(), null)).build()
                .fit(split.train(), split.test());
        List<String> notes = new ArrayList<>();
        SavedRun saved = TrainingRun.resume(file, registry, backend).notes(notes::add);
        assertNull(saved.saved().split());
        assertEquals(RunSplit.HeldOut.fraction(0.2), saved.heldOut(null, null));
        TrainingRun resumed = saved.on(RunData.of(split, RunSplit.HeldOut.fraction(0.5), 9, true));
        assertEquals(List.of(file + " records no digest of its data (saved by an older nn4j); the data could not be"
                + " compared"), notes);
        assertEquals(1, resumed.history().epochsDone());
    }

    @Test
    void examplesHeldElsewhereTrainThroughTheUpdaterOfWhatHoldsThem() {
        TrainingRun run = mlp("constant").build(data(blobs(40, 4, 0), 0.25, 1));
        Examples remote = Examples.elsewhere(30, 2, 2, "the executors");
        assertEquals("the executors is held elsewhere; train on it with the updater of what holds it"
                + " (Trainer.Builder.updater)", assertThrows(IllegalArgumentException.class,
                        () -> run.trainer().build().fit(remote, run.data().test())).getMessage());
        List<Integer> batches = new ArrayList<>();
        TrainingHistory history = run.trainer().updater((train, context) -> {
            assertSame(remote, train);
            assertSame(run.optimizer(), context.optimizer());
            return (epoch, order, from, count) -> {
                batches.add(count);
                return 0.5;
            };
        }).build().fit(remote, run.data().test());
        assertEquals(3, history.epochsDone());
        assertEquals(List.of(16, 14, 16, 14, 16, 14), batches);
        assertEquals(0.5, history.last().trainLoss());
    }

    @Test
    void thePlotListenerHandsEachEpochToItsWriter(@TempDir Path dir) {
        Path file = dir.resolve("plot.png");
        List<String> written = new ArrayList<>();
        TrainingRun run = mlp("constant").build(data(blobs(40, 5, 0), 0.25, 1));
        run.fit(run.trainer().listener(new PlotListener(file, "blobs", (f, history, title) -> written.add(f
                .getFileName() + " " + title + " " + history.epochsDone()))));
        assertEquals(List.of("plot.png blobs 1", "plot.png blobs 2", "plot.png blobs 3"), written);
        TrainingRun failing = mlp("constant").build(data(blobs(40, 5, 0), 0.25, 1));
        UncheckedIOException error = assertThrows(UncheckedIOException.class, () -> failing.fit(failing.trainer()
                .listener(new PlotListener(file, "blobs", (f, history, title) -> {
                    throw new IOException(f + ": the disk is full");
                }))));
        assertEquals(file + ": the disk is full", error.getMessage());
    }
}
