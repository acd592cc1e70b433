package org.nn4j.train;

import java.util.SplittableRandom;
import org.nn4j.data.Dataset;
import org.nn4j.nn.Loss;
import org.nn4j.nn.Model;

/**
 * Minibatch training: each epoch shuffles the training data (seeded by the config's seed and the
 * epoch number, so a resumed run shuffles as an uninterrupted one would), updates the network batch
 * by batch, then evaluates it on the held-out data. It stops after the configured epochs, when the
 * held-out loss has not improved for {@code patience} epochs, or with a {@link
 * TrainingDivergedException} as soon as a batch's loss is not finite.
 */
public final class Trainer {
    private final Model network;
    private final Loss loss;
    private final Optimizer optimizer;
    private final TrainingConfig config;
    private final double baseLearningRate;

    public Trainer(Model network, Loss loss, Optimizer optimizer, TrainingConfig config) {
        this.network = network;
        this.loss = loss;
        this.optimizer = optimizer;
        this.config = config;
        this.baseLearningRate = optimizer.learningRate();
    }

    /**
     * Trains from {@code history} (empty for a new run) up to the configured epochs.
     *
     * @return the history, this run's epochs included
     */
    public TrainingHistory fit(Dataset train, Dataset test, TrainingHistory history, TrainingListener listener) {
        return fit(train, test, history, listener, localUpdater(train));
    }

    /**
     * As {@link #fit(Dataset, Dataset, TrainingHistory, TrainingListener)}, with each batch's update made
     * by {@code updater}; the shuffle, schedule, evaluation, early stop and divergence check stay here.
     */
    public TrainingHistory fit(Dataset train, Dataset test, TrainingHistory history, TrainingListener listener,
            BatchUpdater updater) {
        requireFits(train);
        return fit(train.size(), test, history, listener, updater);
    }

    /**
     * As {@link #fit(Dataset, Dataset, TrainingHistory, TrainingListener, BatchUpdater)}, for a training
     * set of {@code trainSize} examples that only {@code updater} holds (a cluster's executors, say).
     */
    public TrainingHistory fit(int trainSize, Dataset test, TrainingHistory history, TrainingListener listener,
            BatchUpdater updater) {
        requireFits(test);
        if (trainSize < 1) {
            throw new IllegalArgumentException("no training examples");
        }
        int n = trainSize;
        int batchSize = Math.min(config.batchSize(), n);
        int batches = batches(n, batchSize);
        int[] order = new int[n];

        TrainingHistory done = history;
        while (done.epochsDone() < config.epochs() && !done.stoppedEarly()) {
            int epoch = done.epochsDone();
            double rate = config.schedule().rate(baseLearningRate, epoch, config.epochs());
            optimizer.setLearningRate(rate);
            shuffle(order, config.seed(), epoch);
            listener.epochStarted(epoch + 1, config.epochs(), batches);
            long start = System.nanoTime();
            double lossSum = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * batchSize;
                int count = b == batches - 1 ? n - from : batchSize;
                double batchLoss = updater.update(epoch, order, from, count);
                if (!Double.isFinite(batchLoss)) {
                    throw new TrainingDivergedException(String.format("training diverged in epoch %d, batch %d of %d:"
                            + " the loss is %s; try a learning rate lower than %.3g", epoch + 1, b + 1, batches,
                            batchLoss, rate));
                }
                lossSum += batchLoss * count;
                double seconds = (System.nanoTime() - start) / 1e9;
                listener.batchFinished(epoch + 1, b + 1, batches, lossSum / (from + count), (from + count) / seconds);
            }
            double trainSeconds = (System.nanoTime() - start) / 1e9;
            Evaluation evaluation = Evaluation.of(network, loss, test);
            EpochMetrics metrics = new EpochMetrics(epoch + 1, lossSum / n, evaluation.loss(), evaluation.accuracy(),
                    n / trainSeconds, rate, (System.nanoTime() - start) / 1e9);
            done = done.plus(metrics, config.patience());
            listener.epochFinished(metrics, done);
        }
        return done;
    }

    /** Gathers each batch here and trains on it with a {@link TrainingStep}. */
    private BatchUpdater localUpdater(Dataset train) {
        int batchSize = Math.min(config.batchSize(), train.size());
        int rest = train.size() - (batches(train.size(), batchSize) - 1) * batchSize;
        float[][] x = {new float[batchSize * train.featureCount()], new float[rest * train.featureCount()]};
        float[][] y = {new float[batchSize * train.classCount()], new float[rest * train.classCount()]};
        TrainingStep step = new TrainingStep(network, loss, optimizer, config.seed());
        return (epoch, order, from, count) -> {
            int which = count == batchSize ? 0 : 1;
            train.gatherFeatures(order, from, count, x[which]);
            train.gatherOneHot(order, from, count, y[which]);
            return step.run(x[which], y[which], count, epoch, order, from);
        };
    }

    /**
     * Batches of an epoch: {@code batchSize} examples each, the last one the rest. A rest of a single
     * example joins the batch before it, since a batch's statistics (batch normalisation's variance)
     * need two examples.
     */
    public static int batches(int examples, int batchSize) {
        int batches = (examples + batchSize - 1) / batchSize;
        return batches > 1 && examples % batchSize == 1 ? batches - 1 : batches;
    }

    /** The identity permutation, shuffled by a generator seeded from the run's seed and the epoch. */
    public static void shuffle(int[] order, long seed, int epoch) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private void requireFits(Dataset data) {
        if (data.featureCount() != network.inputSize() || data.classCount() != network.outputSize()) {
            throw new IllegalArgumentException(data.source() + " has " + data.featureCount() + " features and "
                    + data.classCount() + " classes; the network takes " + network.inputSize() + " inputs and gives "
                    + network.outputSize() + " outputs");
        }
    }
}
