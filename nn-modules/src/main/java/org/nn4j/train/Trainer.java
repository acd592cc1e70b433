package org.nn4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nn4j.data.Dataset;
import org.nn4j.data.Examples;
import org.nn4j.nn.Loss;
import org.nn4j.nn.Model;

/**
 * Minibatch training: each epoch shuffles the training data (seeded by the config's seed and the
 * epoch number, so a resumed run shuffles as an uninterrupted one would), updates the network batch
 * by batch, then evaluates it on the validation data, if any (and on test data, for the record). It
 * stops after the configured epochs,
 * when the validation loss has not improved for {@code patience} epochs, when a listener asks (as
 * {@link EarlyStopping} does), or with a {@link TrainingDivergedException} as soon as a batch's loss
 * is not finite.
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder(model)
 *         .epochs(20).batchSize(64).schedule(LearningRateSchedule.cosine())
 *         .listener(new ProgressListener(System.out))
 *         .listener(new EarlyStopping(3, true))
 *         .build();
 * TrainingHistory history = trainer.fit(train, validation);
 * }</pre>
 *
 * <p>A trainer is used from one thread at a time, as its model and optimizer are.
 */
public final class Trainer {
    private final Model network;
    private final Loss loss;
    private final Optimizer optimizer;
    private final TrainingConfig config;
    private final double baseLearningRate;
    private final List<TrainingListener> listeners;
    private final TrainingHistory history;
    private final BatchUpdater.Factory updaters;
    private final boolean testEachEpoch;
    private final org.nn4j.data.Standardizer targetStandardizer;

    /**
     * A trainer of {@code network} with {@code optimizer}, whose learning rate now is the base rate that
     * {@code config}'s schedule starts from. {@link #builder} gives the same with named settings.
     */
    public Trainer(Model network, Loss loss, Optimizer optimizer, TrainingConfig config) {
        this(network, loss, optimizer, config, List.of(), TrainingHistory.empty(), null, false, null);
    }

    private Trainer(Model network, Loss loss, Optimizer optimizer, TrainingConfig config,
            List<TrainingListener> listeners, TrainingHistory history, BatchUpdater.Factory updaters,
            boolean testEachEpoch, org.nn4j.data.Standardizer targetStandardizer) {
        this.network = java.util.Objects.requireNonNull(network, "network");
        this.loss = java.util.Objects.requireNonNull(loss, "loss");
        this.optimizer = java.util.Objects.requireNonNull(optimizer, "optimizer");
        this.config = java.util.Objects.requireNonNull(config, "config");
        this.baseLearningRate = optimizer.learningRate();
        this.listeners = List.copyOf(listeners);
        this.history = java.util.Objects.requireNonNull(history, "history");
        this.updaters = updaters;
        this.testEachEpoch = testEachEpoch;
        this.targetStandardizer = targetStandardizer;
    }

    /** A builder of a trainer of {@code model}, with nn train's defaults. */
    public static Builder builder(Model model) {
        return new Builder(model);
    }

    /**
     * A builder that continues {@code run}: its model, optimizer (state included), configuration and
     * history, so that {@link #fit} goes on where the saved run stopped.
     */
    public static Builder builder(Checkpoints.Resumed run) {
        return new Builder(run.model()).loss(run.loss()).optimizer(run.optimizer()).config(run.config())
                .history(run.history()).targetStandardizer(run.targetStandardizer());
    }

    /** This trainer's settings. */
    public TrainingConfig config() {
        return config;
    }

    /**
     * Trains on {@code train} from the builder's history (empty for a new run) up to the configured
     * epochs, evaluating on {@code validation} after each epoch (null: none), telling the builder's
     * listeners. As {@link #fit(Examples, Dataset, Dataset)} without test examples.
     */
    public TrainingHistory fit(Examples train, Dataset validation) {
        return fit(train, validation, null);
    }

    /**
     * Trains on {@code train} from the builder's history (empty for a new run) up to the configured
     * epochs, telling the builder's listeners. After each epoch the model is scored on {@code validation},
     * which early stopping (patience) watches; {@code test} is scored for the record only: after each
     * epoch where there is no validation data or the builder asks ({@link Builder#testEachEpoch}), and
     * always once at the end, after the listeners' {@link TrainingListener#epochsFinished} (which may put
     * a best epoch back), into {@link TrainingHistory#finalTest}. Nothing that changes the model reads
     * the test examples. Each batch's update is made here, or by the builder's {@linkplain
     * Builder#updater updater} (a cluster's); the shuffle, schedule, evaluation, early stop and
     * divergence check stay here.
     *
     * @param train a {@link Dataset}, or examples held elsewhere (a cluster's executors), which need
     *     the updater of what holds them
     * @param validation examples early stopping watches, or null
     * @param test examples scored for the record, or null
     * @return the history, this run's epochs included
     * @throws IllegalArgumentException when the examples do not fit the model, there are none, or
     *     patience is set without validation data
     */
    public TrainingHistory fit(Examples train, Dataset validation, Dataset test) {
        java.util.Objects.requireNonNull(train, "train");
        requireFits(train);
        if (test != null) {
            requireFits(test);
        }
        if (validation != null) {
            requireFits(validation);
        } else if (config.patience() > 0) {
            throw new IllegalArgumentException("patience " + config.patience() + " needs validation data to watch");
        }
        if (train.size() < 1) {
            throw new IllegalArgumentException("no training examples");
        }
        int batchSize = Math.min(config.batchSize(), train.size());
        network.requireBatchFits(batchSize, "a batch of " + batchSize);
        TrainingContext context = new TrainingContext(network, loss, optimizer, config, baseLearningRate, history);
        BatchUpdater updater;
        if (updaters != null) {
            updater = updaters.create(train, context);
        } else if (train instanceof Dataset local) {
            updater = localUpdater(local);
        } else {
            throw new IllegalArgumentException(train.source() + " is held elsewhere; train on it with the updater of"
                    + " what holds it (Trainer.Builder.updater)");
        }
        TrainingListener listener = new AllListeners(listeners);
        listener.trainingStarted(context);
        int n = train.size();
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
            // A checkpoint made within this epoch resumes after its batches.
            int firstBatch = Math.min(done.batchesIntoEpoch(), batches);
            double lossSum = done.lossSumIntoEpoch();
            for (int b = firstBatch; b < batches; b++) {
                int from = b * batchSize;
                int count = b == batches - 1 ? n - from : batchSize;
                if (config.schedule().perStep()) {
                    rate = config.schedule().rateAtStep(baseLearningRate, (long) epoch * batches + b,
                            (long) config.epochs() * batches, epoch, config.epochs());
                    optimizer.setLearningRate(rate);
                }
                double batchLoss = updater.update(epoch, order, from, count);
                if (!Double.isFinite(batchLoss)) {
                    throw new TrainingDivergedException(String.format("training diverged in epoch %d, batch %d of %d:"
                            + " the loss is %s; try a learning rate lower than %.3g", epoch + 1, b + 1, batches,
                            batchLoss, rate));
                }
                lossSum += batchLoss * count;
                double seconds = (System.nanoTime() - start) / 1e9;
                listener.batchFinished(epoch + 1, b + 1, batches, lossSum / (from + count),
                        (from + count - firstBatch * batchSize) / seconds);
            }
            double trainSeconds = (System.nanoTime() - start) / 1e9;
            Scores validated = validation == null ? null : Scores.of(Evaluation.of(network, loss, validation, targetStandardizer));
            Scores tested = test != null && (testEachEpoch || validation == null)
                    ? Scores.of(Evaluation.of(network, loss, test, targetStandardizer)) : null;
            EpochMetrics metrics = new EpochMetrics(epoch + 1, lossSum / n, validated, tested,
                    (n - firstBatch * batchSize) / trainSeconds, rate, (System.nanoTime() - start) / 1e9);
            done = done.plus(metrics, config.patience());
            listener.epochFinished(metrics, done);
            if (listener.stopRequested()) {
                done = done.stopped();
            }
        }
        listener.epochsFinished(done);
        if (test != null) {
            done = done.tested(Scores.of(Evaluation.of(network, loss, test, targetStandardizer)));
        }
        listener.trainingFinished(done);
        return done;
    }

    /** Several listeners heard in order; asked to stop when any asks. */
    private record AllListeners(List<TrainingListener> all) implements TrainingListener {
        @Override
        public void trainingStarted(TrainingContext context) {
            all.forEach(l -> l.trainingStarted(context));
        }

        @Override
        public void epochStarted(int epoch, int epochs, int batches) {
            all.forEach(l -> l.epochStarted(epoch, epochs, batches));
        }

        @Override
        public void batchFinished(int epoch, int batch, int batches, double meanLoss, double samplesPerSecond) {
            for (TrainingListener l : all) {
                l.batchFinished(epoch, batch, batches, meanLoss, samplesPerSecond);
            }
        }

        @Override
        public void epochFinished(EpochMetrics metrics, TrainingHistory history) {
            all.forEach(l -> l.epochFinished(metrics, history));
        }

        @Override
        public void epochsFinished(TrainingHistory history) {
            all.forEach(l -> l.epochsFinished(history));
        }

        @Override
        public boolean stopRequested() {
            boolean stop = false;
            for (TrainingListener l : all) {
                stop |= l.stopRequested();
            }
            return stop;
        }

        @Override
        public void trainingFinished(TrainingHistory history) {
            all.forEach(l -> l.trainingFinished(history));
        }
    }

    /**
     * Named settings of a {@link Trainer}, with nn train's defaults: Adam at its default rate (1e-3) on
     * the model's parameters, the model's own loss, 10 epochs of batches of 128, seed 42, a constant
     * learning rate, a new run (empty history), each batch's update made here, no listeners. {@link
     * #build} checks them.
     */
    public static final class Builder {
        private final Model model;
        private Loss loss;
        private Optimizer optimizer;
        private String optimizerName = "adam";
        private Map<String, Object> optimizerOptions = Map.of();
        private Double learningRate;
        private int epochs = 10;
        private int batchSize = 128;
        private long seed = 42;
        private int patience;
        private LearningRateSchedule schedule = LearningRateSchedule.constant();
        private TrainingHistory history = TrainingHistory.empty();
        private BatchUpdater.Factory updaters;
        private boolean testEachEpoch;
        private org.nn4j.data.Standardizer targetStandardizer;
        private final List<TrainingListener> listeners = new ArrayList<>();

        private Builder(Model model) {
            this.model = java.util.Objects.requireNonNull(model, "model");
        }

        /** What to minimise; the model's own loss unless given. */
        public Builder loss(Loss loss) {
            this.loss = java.util.Objects.requireNonNull(loss, "loss");
            return this;
        }

        /**
         * What updates the parameters, made on the model's parameters; its learning rate is the base
         * rate unless {@link #learningRate} sets another.
         */
        public Builder optimizer(Optimizer optimizer) {
            this.optimizer = java.util.Objects.requireNonNull(optimizer, "optimizer");
            return this;
        }

        /**
         * The optimizer of {@link Optimizers#builtIn()} named {@code name} ({@code adam}, {@code sgd}),
         * with its default options, made on the model's parameters when built.
         */
        public Builder optimizer(String name) {
            return optimizer(name, Map.of());
        }

        /**
         * The optimizer named {@code name} with {@code options} (for example {@code Map.of("momentum",
         * 0.5)} for {@code sgd}), its defaults for the rest; {@link #build} checks them with {@link
         * Optimizers#check}.
         */
        public Builder optimizer(String name, Map<String, ?> options) {
            this.optimizerName = java.util.Objects.requireNonNull(name, "name");
            this.optimizerOptions = Map.copyOf(options);
            this.optimizer = null;
            return this;
        }

        /** The base learning rate, which the schedule starts from; the optimizer's default unless given. */
        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /** Epochs in all, counting those of a run this one resumes; at least 1. */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Examples per update; at least 1 (a training set smaller than that is one batch). */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Seeds each epoch's shuffle (and dropout's masks). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The learning rate per epoch, from the optimizer's. */
        public Builder schedule(LearningRateSchedule schedule) {
            this.schedule = java.util.Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /** Epochs, batch size, seed, patience and schedule at once, as {@code config} has them. */
        public Builder config(TrainingConfig config) {
            epochs = config.epochs();
            batchSize = config.batchSize();
            seed = config.seed();
            patience = config.patience();
            schedule = config.schedule();
            return this;
        }

        /**
         * Where the run stands: a resumed run's history (its epochs, and the batches into the next for
         * a checkpoint made within an epoch), from which {@link Trainer#fit} goes on; empty by default.
         */
        public Builder history(TrainingHistory history) {
            this.history = java.util.Objects.requireNonNull(history, "history");
            return this;
        }

        /**
         * What makes each batch's update: a cluster's ({@link DistributedTraining.Session#updaters}), or
         * any other; by default the trainer computes it here, from a {@link Dataset}.
         */
        public Builder updater(BatchUpdater.Factory updaters) {
            this.updaters = java.util.Objects.requireNonNull(updaters, "updaters");
            return this;
        }

        /**
         * Whether {@link Trainer#fit(Examples, Dataset, Dataset)} scores the test examples after every
         * epoch as well as at the end where there are validation examples (without them, it always does);
         * false by default.
         */
        public Builder testEachEpoch(boolean testEachEpoch) {
            this.testEachEpoch = testEachEpoch;
            return this;
        }

        /**
         * What a regression model's targets were standardised with (null: they were not), so that the
         * errors of validation and test are told in the targets' own units.
         */
        public Builder targetStandardizer(org.nn4j.data.Standardizer targets) {
            this.targetStandardizer = targets;
            return this;
        }

        /** Hears the training, after those added before it. */
        public Builder listener(TrainingListener listener) {
            listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * The trainer.
         *
         * @throws IllegalArgumentException naming the setting, for epochs or a batch size under 1, or a
         *     learning rate that is not a positive number
         * @throws org.nn4j.io.InvalidInputException for an optimizer by name that is unknown, or options
         *     it does not take or of values out of range
         */
        public Trainer build() {
            TrainingConfig config = new TrainingConfig(epochs, batchSize, seed, patience, schedule);
            Optimizer opt = optimizer;
            if (opt == null) {
                opt = Optimizers.builtIn().create(optimizerName, model.backend(), model.parameterValues(), learningRate,
                        optimizerOptions);
            } else if (learningRate != null) {
                if (!(learningRate > 0 && Double.isFinite(learningRate))) {
                    throw new IllegalArgumentException("the learning rate must be a positive number, not "
                            + learningRate);
                }
                opt.setLearningRate(learningRate);
            }
            return new Trainer(model, loss != null ? loss : model.loss(), opt, config, listeners, history, updaters,
                    testEachEpoch, targetStandardizer);
        }
    }

    /** Gathers each batch here and trains on it with a {@link TrainingStep}. */
    private BatchUpdater localUpdater(Dataset train) {
        int batchSize = Math.min(config.batchSize(), train.size());
        int rest = train.size() - (batches(train.size(), batchSize) - 1) * batchSize;
        float[][] y = {new float[batchSize * train.outputCount()], new float[rest * train.outputCount()]};
        TrainingStep step = new TrainingStep(network, loss, optimizer, config.seed());
        if (train.hasTokens()) {
            int[] ids = new int[Math.max(batchSize, rest) * train.featureCount()];
            return (epoch, order, from, count) -> {
                int which = count == batchSize ? 0 : 1;
                train.gatherTokens(order, from, count, ids);
                train.gatherTargets(order, from, count, y[which]);
                return step.run(ids, y[which], count, epoch, order, from);
            };
        }
        float[][] x = {new float[batchSize * train.featureCount()], new float[rest * train.featureCount()]};
        return (epoch, order, from, count) -> {
            int which = count == batchSize ? 0 : 1;
            train.gatherFeatures(order, from, count, x[which]);
            train.gatherTargets(order, from, count, y[which]);
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

    private void requireFits(Examples data) {
        if (data.featureCount() != network.inputSize() || data.outputCount() != network.outputSize()) {
            throw new IllegalArgumentException(data.source() + " has " + data.featureCount() + " features and "
                    + (data.classCount() > 0 ? data.classCount() + " classes" : data.outputCount() + " targets")
                    + "; the network takes " + network.inputSize() + " inputs and gives "
                    + network.outputSize() + " outputs");
        }
    }
}
