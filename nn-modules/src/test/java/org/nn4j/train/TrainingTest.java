package org.nn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nn4j.api.ActivationKind;
import org.nn4j.api.Backend;
import org.nn4j.api.Backends;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.data.Dataset;
import org.nn4j.io.ModelFile;
import org.nn4j.nn.Loss;
import org.nn4j.seed.NeuralNetwork;
import org.nn4j.nn.losses.SoftmaxCrossEntropy;

class TrainingTest {
    private final Backend backend = Backends.select("ejml");

    private static Dataset xor() {
        return new Dataset(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, new int[] {0, 1, 1, 0}, 2, List.of("0", "1"), "xor");
    }

    /** Two Gaussian blobs in 2-D, centred at (-1.5, 0) and (1.5, 0), standard deviation 0.6. */
    private static Dataset blobs(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[2 * n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            x[2 * i] = (float) ((labels[i] == 0 ? -1.5 : 1.5) + 0.6 * random.nextGaussian());
            x[2 * i + 1] = (float) (0.6 * random.nextGaussian());
        }
        return new Dataset(x, labels, 2, List.of("left", "right"), "blobs");
    }

    private NeuralNetwork network(DType dtype, int inputs, int hidden, int outputs, ActivationKind activation) {
        return NeuralNetwork.builder(backend).dtype(dtype).inputSize(inputs).hiddenSizes(hidden).outputSize(outputs)
                .activation(activation).seed(3).build();
    }

    /** A new optimizer by name, with SGD's momentum and Nesterov's variant where it is SGD. */
    private Optimizer optimizer(String name, List<Matrix> parameters, double rate, double momentum, boolean nesterov,
            double weightDecay) {
        Map<String, Object> options = new java.util.LinkedHashMap<>(Map.of("weight_decay", weightDecay));
        if (name.equals("sgd")) {
            options.put("momentum", momentum);
            options.put("nesterov", nesterov);
        }
        return Optimizers.builtIn().create(name, backend, parameters, rate, options);
    }

    @Test
    void aNetworkLearnsXor() {
        NeuralNetwork net = network(DType.FLOAT64, 2, 8, 2, ActivationKind.TANH);
        Loss loss = new SoftmaxCrossEntropy(backend);
        Optimizer adam = new Adam(backend, net.parameters(), 0.05, 0);
        TrainingConfig config = new TrainingConfig(300, 4, 1, 0, LearningRateSchedule.constant());
        TrainingHistory history = new Trainer(net.model(), loss, adam, config).fit(xor(), xor());
        assertEquals(300, history.epochsDone());
        assertEquals(1.0, history.last().validation().accuracy());
        assertTrue(history.last().validationLoss() < 0.05, "loss " + history.last().validationLoss());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "adam"})
    void aNetworkSeparatesTwoBlobs(String optimizerName) {
        NeuralNetwork net = network(DType.FLOAT32, 2, 4, 2, ActivationKind.RELU);
        Optimizer optimizer = optimizer(optimizerName, net.parameters(), optimizerName.equals("sgd") ? 0.1 : 0.01, 0.9,
                true, 1e-4);
        TrainingConfig config = new TrainingConfig(10, 16, 5, 0, LearningRateSchedule.cosine());
        TrainingHistory history = new Trainer(net.model(), new SoftmaxCrossEntropy(backend), optimizer, config)
                .fit(blobs(400, 1), blobs(200, 2));
        assertTrue(history.last().validation().accuracy() >= 0.95, "accuracy " + history.last().validation().accuracy());
        assertTrue(history.last().trainLoss() < history.epochs().get(0).trainLoss());
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void theSameSeedTrainsToBitIdenticalWeights(DType dtype) {
        assertEquals(trainedWeights(dtype, 7), trainedWeights(dtype, 7));
        assertTrue(!trainedWeights(dtype, 7).equals(trainedWeights(dtype, 8)), "another seed, other weights");
    }

    private List<List<Double>> trainedWeights(DType dtype, long seed) {
        NeuralNetwork net = network(dtype, 2, 6, 2, ActivationKind.SIGMOID);
        Optimizer adam = new Adam(backend, net.parameters(), 0.01, 0);
        new Trainer(net.model(), new SoftmaxCrossEntropy(backend), adam, new TrainingConfig(3, 32, seed, 0,
                LearningRateSchedule.constant())).fit(blobs(100, 1), blobs(50, 2));
        List<List<Double>> weights = new ArrayList<>();
        for (Matrix p : net.parameters()) {
            List<Double> values = new ArrayList<>();
            for (double v : backend.toArray(p)) {
                values.add(v);
            }
            weights.add(values);
        }
        return weights;
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "sgd"})
    void resumingFromACheckpointEqualsAnUninterruptedRun(String optimizerName, @TempDir Path dir) throws Exception {
        Dataset train = blobs(90, 1);
        Dataset test = blobs(40, 2);
        TrainingConfig config = new TrainingConfig(4, 16, 11, 0, LearningRateSchedule.step(2, 0.5));

        NeuralNetwork straight = network(DType.FLOAT32, 2, 5, 2, ActivationKind.TANH);
        Optimizer o1 = optimizer(optimizerName, straight.parameters(), 0.05, 0.9, false, 0);
        TrainingHistory full = new Trainer(straight.model(), new SoftmaxCrossEntropy(backend), o1, config)
                .fit(train, test);

        // The same run, checkpointing after every epoch and killed after the second.
        NeuralNetwork first = network(DType.FLOAT32, 2, 5, 2, ActivationKind.TANH);
        Optimizer o2 = optimizer(optimizerName, first.parameters(), 0.05, 0.9, false, 0);
        Path file = dir.resolve("checkpoint.safetensors");
        TrainingListener checkpointThenDie = new TrainingListener() {
            @Override
            public void epochFinished(EpochMetrics metrics, TrainingHistory history) {
                Map<String, List<Matrix>> state = new java.util.LinkedHashMap<>();
                for (String slot : o2.slots()) {
                    state.put(slot, o2.stateMatrices(slot));
                }
                try {
                    ModelFile.save(file, first.model(), train.classNames(), null, state,
                            Checkpoints.describe(o2, 0.05, config, history, Map.of()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                if (history.epochsDone() == 2) {
                    throw new Interrupted(history);
                }
            }
        };
        assertThrows(Interrupted.class, () -> Trainer.builder(first.model()).loss(new SoftmaxCrossEntropy(backend))
                .optimizer(o2).config(config).listener(checkpointThenDie).build().fit(train, test));

        ModelFile.Loaded loaded = ModelFile.load(file, backend);
        Optimizer o3 = Checkpoints.restoreOptimizer(file.toString(), loaded.training(), backend,
                loaded.model().parameterValues(), loaded.optimizerState());
        TrainingHistory resumed = Trainer.builder(loaded.model()).loss(loaded.loss()).optimizer(o3)
                .config(Checkpoints.restoreConfig(file.toString(), loaded.training(), 0))
                .history(Checkpoints.restoreHistory(file.toString(), loaded.training())).build().fit(train, test);

        assertEquals(4, resumed.epochsDone());
        for (int i = 0; i < straight.parameters().size(); i++) {
            assertArrayEquals(backend.toArray(straight.parameters().get(i)),
                    backend.toArray(loaded.model().parameterValues().get(i)), "parameter " + i);
        }
        for (int e = 0; e < 4; e++) {
            assertEquals(full.epochs().get(e).trainLoss(), resumed.epochs().get(e).trainLoss(), "train loss " + e);
            assertEquals(full.epochs().get(e).validationLoss(), resumed.epochs().get(e).validationLoss(), "test loss " + e);
        }
    }

    @Test
    void aDivergingRunStopsAndSaysWhereAndWhatToTry() {
        NeuralNetwork net = network(DType.FLOAT32, 2, 4, 2, ActivationKind.RELU);
        Optimizer sgd = new Sgd(backend, net.parameters(), 1e30, 0, false, 0);
        TrainingDivergedException error = assertThrows(TrainingDivergedException.class, () -> new Trainer(net.model(),
                new SoftmaxCrossEntropy(backend), sgd, new TrainingConfig(5, 8, 1, 0, LearningRateSchedule.constant()))
                .fit(blobs(64, 1), blobs(16, 2)));
        assertTrue(error.getMessage().matches("training diverged in epoch 1, batch \\d+ of 8: the loss is (NaN|Infinity);"
                + " try a learning rate lower than 1\\.00e\\+30"), error.getMessage());
    }

    @Test
    void earlyStoppingCountsEpochsWithoutABetterHeldOutLoss() {
        TrainingHistory h = TrainingHistory.empty();
        double[] losses = {1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.76};
        boolean[] stopped = new boolean[losses.length];
        for (int e = 0; e < losses.length; e++) {
            h = h.plus(new EpochMetrics(e + 1, 1, new Scores(losses[e], 0.5, null), null, 1, 0.1, 1), 2);
            stopped[e] = h.stoppedEarly();
        }
        assertArrayEquals(new boolean[] {false, false, false, true, false, false, true}, stopped);
        assertEquals(0.7, h.bestValidationLoss());
    }

    @Test
    void schedules() {
        assertEquals(0.1, LearningRateSchedule.parse("constant").rate(0.1, 7, 10));
        assertEquals(0.025, LearningRateSchedule.parse("step:2:0.5").rate(0.1, 5, 10), 1e-15);
        assertEquals(0.05, LearningRateSchedule.parse("cosine").rate(0.1, 5, 10), 1e-15);
        assertEquals(0.1, LearningRateSchedule.parse("cosine").rate(0.1, 0, 10));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> LearningRateSchedule.parse("linear"));
        assertTrue(error.getMessage().startsWith("unknown learning-rate schedule 'linear'"));
    }

    private static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Interrupted(TrainingHistory history) {
            super("interrupted after " + history.epochsDone() + " epochs");
        }
    }

    @Test
    void aLastBatchOfOneExampleJoinsTheBatchBeforeItSoBatchnormCanTrain() {
        assertEquals(2, Trainer.batches(33, 16));
        assertEquals(2, Trainer.batches(32, 16));
        assertEquals(3, Trainer.batches(34, 16));
        assertEquals(1, Trainer.batches(17, 16));
        assertEquals(1, Trainer.batches(1, 1));
        org.nn4j.nn.Model model = org.nn4j.nn.spec.ModuleRegistry.builtIn().build(org.nn4j.nn.spec.ModelSpec.parse(
                "{\"input\": [2], \"layers\": [{\"type\": \"linear\", \"out_features\": 4}, {\"type\":"
                + " \"batchnorm1d\"}, {\"type\": \"relu\"}, {\"type\": \"linear\", \"out_features\": 2}]}", "spec"),
                backend, DType.FLOAT64, 1, "spec");
        Optimizer adam = new Adam(backend, model.parameterValues(), 0.01, 0);
        List<Integer> batchSizes = new java.util.ArrayList<>();
        TrainingHistory history = Trainer.builder(model).optimizer(adam).config(new TrainingConfig(2, 16, 1, 0,
                LearningRateSchedule.constant())).listener(new TrainingListener() {
                    @Override
                    public void batchFinished(int epoch, int batch, int batches, double meanLoss, double speed) {
                        batchSizes.add(batches);
                    }
                }).build().fit(blobs(33, 1), blobs(20, 2));
        assertEquals(2, history.epochsDone());
        assertEquals(List.of(2, 2, 2, 2), batchSizes);
    }
}
