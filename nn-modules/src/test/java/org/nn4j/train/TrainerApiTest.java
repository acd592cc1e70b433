package org.nn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.data.Dataset;
import org.nn4j.nn.Model;
import org.nn4j.nn.spec.ModelSpec;
import org.nn4j.nn.spec.ModuleRegistry;

/** The training API: a trainer made by a builder, and the listeners that save, stop and guard a run. */
class TrainerApiTest {
    private static final List<String> CLASSES = List.of("a", "b", "c");
    private final Backend backend = Backends.select("ejml");

    private Model model() {
        ModelSpec spec = ModelSpec.parse("{\"input\": [4], \"layers\": [{\"type\": \"linear\", \"out_features\": 12},"
                + " {\"type\": \"tanh\"}, {\"type\": \"linear\", \"out_features\": 3}]}", "spec");
        return ModuleRegistry.builtIn().build(spec, backend, DType.FLOAT64, 5, "spec");
    }

    /** Examples whose class is the largest of their first three features; {@code shift} relabels them. */
    private static Dataset data(int n, long seed, int shift) {
        Random random = new Random(seed);
        float[] x = new float[4 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 4; j++) {
                x[4 * i + j] = (float) random.nextGaussian();
            }
            int best = 0;
            for (int j = 1; j < 3; j++) {
                best = x[4 * i + j] > x[4 * i + best] ? j : best;
            }
            y[i] = (best + shift) % 3;
        }
        return new Dataset(x, y, 4, CLASSES, "data");
    }

    private List<double[]> weights(Model model) {
        List<double[]> weights = new ArrayList<>();
        model.parameterValues().forEach(p -> weights.add(backend.toArray(p)));
        return weights;
    }

    private static void assertSameWeights(List<double[]> expected, List<double[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), 0, "parameter " + i);
        }
    }

    @Test
    void theBuildersDefaultsAreNnTrainsAndBadSettingsNameThemselves() {
        Model model = model();
        Trainer trainer = Trainer.builder(model).build();
        TrainingConfig config = trainer.config();
        assertEquals(List.of(10, 128, 42L, 0, "constant"), List.of(config.epochs(), config.batchSize(), config.seed(),
                config.patience(), config.schedule().describe()));
        assertEquals("epochs must be at least 1, not 0",
                assertThrows(IllegalArgumentException.class, () -> Trainer.builder(model).epochs(0).build())
                        .getMessage());
        assertEquals("the batch size must be at least 1, not -3",
                assertThrows(IllegalArgumentException.class, () -> Trainer.builder(model).batchSize(-3).build())
                        .getMessage());
        assertEquals("listener", assertThrows(NullPointerException.class, () -> Trainer.builder(model).listener(null))
                .getMessage());
    }

    @Test
    void aRunWithoutValidationDataTrainsAndPrintsTrainingFiguresOnly() {
        Model model = model();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        TrainingHistory history = Trainer.builder(model).epochs(3).batchSize(16)
                .optimizer(new Adam(backend, model.parameterValues(), 0.01, 0))
                .listener(new ProgressListener(new PrintStream(printed, true, StandardCharsets.UTF_8)))
                .build().fit(data(96, 1, 0), null);
        assertEquals(3, history.epochsDone());
        assertNull(history.last().validation());
        assertTrue(history.last().trainLoss() < history.epochs().get(0).trainLoss());
        String lines = printed.toString(StandardCharsets.UTF_8);
        assertEquals(3, lines.lines().count(), lines);
        assertTrue(lines.lines().allMatch(l -> l.matches("epoch \\d: train loss \\d\\.\\d{4}, [\\d,]+ samples/s, lr 0.0100,"
                + " \\d+\\.\\d s")), lines);
        assertThrows(IllegalStateException.class, () -> Trainer.builder(model()).listener(new EarlyStopping(2, false))
                .build().fit(data(32, 1, 0), null));
    }

    @Test
    void earlyStoppingEndsTheRunAndPutsBackTheBestEpochsWeights() {
        // Validation labels that disagree with the training labels: its loss soon rises.
        Dataset train = data(120, 2, 0);
        Dataset validation = data(60, 3, 1);
        EarlyStopping stopping = new EarlyStopping(2, true);
        Model stopped = model();
        TrainingHistory history = Trainer.builder(stopped).epochs(20).batchSize(16)
                .optimizer(new Adam(backend, stopped.parameterValues(), 0.02, 0)).listener(stopping).build()
                .fit(train, validation);
        assertTrue(history.stoppedEarly());
        assertEquals(stopping.bestEpoch() + 2, history.epochsDone(), "two epochs without a better loss");
        assertTrue(history.epochsDone() < 20);

        Model best = model();
        Trainer.builder(best).epochs(stopping.bestEpoch()).batchSize(16)
                .optimizer(new Adam(backend, best.parameterValues(), 0.02, 0)).build().fit(train, validation);
        assertSameWeights(weights(best), weights(stopped));
    }

    @Test
    void theDivergenceGuardEndsARunWhoseLossBlowsUp() {
        DivergenceGuard guard = new DivergenceGuard(100);
        Model model = model();
        Optimizer sgd = new Sgd(backend, model.parameterValues(), 0.5, 0, false, 0);
        guard.trainingStarted(new TrainingContext(model, model.loss(), sgd, Trainer.builder(model).build().config(),
                0.5, TrainingHistory.empty()));
        guard.batchFinished(1, 1, 9, 2.3, 1000);
        guard.batchFinished(1, 2, 9, 200, 1000);
        TrainingDivergedException error = assertThrows(TrainingDivergedException.class,
                () -> guard.batchFinished(1, 3, 9, 1e31, 1000));
        assertEquals("training diverged in epoch 1, batch 3 of 9: the loss is 1.000e+31, over 100 times its start"
                + " (2.300); try a learning rate lower than 0.500", error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DivergenceGuard(1));
        DivergenceGuard nearZero = new DivergenceGuard(100);
        nearZero.trainingStarted(new TrainingContext(model, model.loss(), sgd, Trainer.builder(model).build().config(),
                0.5, TrainingHistory.empty()));
        nearZero.batchFinished(1, 1, 9, 1e-4, 1000);
        nearZero.batchFinished(1, 2, 9, 50, 1000); // far over 100 x 1e-4, under 100 x 1: noise, not divergence
        assertThrows(TrainingDivergedException.class, () -> nearZero.batchFinished(1, 3, 9, 101, 1000));
    }

    @Test
    void aWarmUpRaisesTheRateStepByStepThenHandsOver() {
        Model model = model();
        List<Double> rates = new ArrayList<>();
        TrainingListener record = new TrainingListener() {
            private Optimizer optimizer;

            @Override
            public void trainingStarted(TrainingContext context) {
                optimizer = context.optimizer();
            }

            @Override
            public void batchFinished(int epoch, int batch, int batches, double meanLoss, double samplesPerSecond) {
                rates.add(optimizer.learningRate());
            }
        };
        LearningRateSchedule schedule = LearningRateSchedule.parse("warmup:5:cosine-steps");
        assertEquals("warmup:5:cosine-steps", schedule.describe());
        Trainer.builder(model).epochs(2).batchSize(16).schedule(schedule).listener(record).build().fit(data(64, 6, 0),
                null);
        assertEquals(8, rates.size(), "4 steps an epoch");
        for (int step = 0; step < 8; step++) {
            double expected = step < 5 ? 1e-3 * (step + 1) / 5 : 1e-3 * 0.5 * (1 + Math.cos(Math.PI * step / 8));
            assertEquals(expected, rates.get(step), 1e-18, "step " + step);
        }
        assertEquals("unknown learning-rate schedule 'warmup:x:cosine'; expected constant, cosine, cosine-steps,"
                + " step:EVERY:GAMMA (for example step:5:0.5), or warmup:STEPS:SCHEDULE (for example"
                + " warmup:500:cosine-steps)", assertThrows(IllegalArgumentException.class,
                        () -> LearningRateSchedule.parse("warmup:x:cosine")).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cosine", "warmup:10:cosine-steps"})
    void aRunResumedFromItsCheckpointEndsAsTheUninterruptedOne(String scheduleName, @TempDir Path dir) {
        LearningRateSchedule schedule = LearningRateSchedule.parse(scheduleName);
        Dataset train = data(100, 4, 0);
        Dataset validation = data(40, 5, 0);
        Model whole = model();
        TrainingHistory uninterrupted = Trainer.builder(whole).epochs(5).batchSize(16)
                .schedule(schedule).build().fit(train, validation);

        Path file = dir.resolve("run.safetensors");
        TrainingListener crashAfterTwo = new TrainingListener() {
            @Override
            public void epochFinished(EpochMetrics metrics, TrainingHistory history) {
                if (metrics.epoch() == 2) {
                    throw new IllegalStateException("the machine went down");
                }
            }
        };
        assertThrows(IllegalStateException.class, () -> Trainer.builder(model()).epochs(5).batchSize(16)
                .schedule(schedule).listener(new CheckpointListener(file, 1, CLASSES, null))
                .listener(crashAfterTwo).build().fit(train, validation));

        Checkpoints.Resumed saved = Checkpoints.resume(file, ModuleRegistry.builtIn(), backend);
        assertEquals(2, saved.history().epochsDone());
        assertEquals(CLASSES, saved.classNames());
        TrainingHistory resumed = Trainer.builder(saved).build().fit(train, validation);
        assertEquals(5, resumed.epochsDone());
        assertSameWeights(weights(whole), weights(saved.model()));
        for (int e = 0; e < 5; e++) {
            assertEquals(uninterrupted.epochs().get(e).learningRate(), resumed.epochs().get(e).learningRate(),
                    "the learning rate of epoch " + (e + 1));
            assertEquals(uninterrupted.epochs().get(e).validationLoss(), resumed.epochs().get(e).validationLoss());
        }
    }

    @Test
    void aRunResumedFromACheckpointWithinAnEpochEndsAsTheUninterruptedOne(@TempDir Path dir) {
        Dataset train = data(100, 4, 0); // 7 batches of 16 an epoch, the last of 4
        Dataset validation = data(40, 5, 0);
        LearningRateSchedule schedule = LearningRateSchedule.parse("warmup:10:cosine-steps");
        Model whole = model();
        TrainingHistory uninterrupted = Trainer.builder(whole).epochs(3).batchSize(16).schedule(schedule).build()
                .fit(train, validation);

        Path file = dir.resolve("run.safetensors");
        TrainingListener crashAtStep10 = new TrainingListener() {
            @Override
            public void batchFinished(int epoch, int batch, int batches, double meanLoss, double samplesPerSecond) {
                if ((epoch - 1) * batches + batch == 10) {
                    throw new IllegalStateException("the machine went down");
                }
            }
        };
        assertThrows(IllegalStateException.class, () -> Trainer.builder(model()).epochs(3).batchSize(16)
                .schedule(schedule).listener(CheckpointListener.everySteps(file, 3, CLASSES, null, java.util.Map.of()))
                .listener(crashAtStep10).build().fit(train, validation));

        Checkpoints.Resumed saved = Checkpoints.resume(file, ModuleRegistry.builtIn(), backend);
        assertEquals(1, saved.history().epochsDone(), "the checkpoint of step 9: epoch 2, batch 2");
        assertEquals(2, saved.history().batchesIntoEpoch());
        TrainingHistory resumed = Trainer.builder(saved).build().fit(train, validation);
        assertEquals(3, resumed.epochsDone());
        assertEquals(0, resumed.batchesIntoEpoch());
        assertSameWeights(weights(whole), weights(saved.model()));
        for (int e = 0; e < 3; e++) {
            assertEquals(uninterrupted.epochs().get(e).validationLoss(), resumed.epochs().get(e).validationLoss());
            assertEquals(uninterrupted.epochs().get(e).trainLoss(), resumed.epochs().get(e).trainLoss(),
                    1e-12 * uninterrupted.epochs().get(e).trainLoss());
        }
    }
}
