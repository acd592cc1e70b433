package org.nn4j.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.nn.Loss;
import org.nn4j.nn.Model;
import org.nn4j.nn.losses.SoftmaxCrossEntropy;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * A training run assembled as {@code nn train} assembles it: a model checked against its data, its
 * optimizer, its configuration and where it stands, and the data with the split that its checkpoints
 * record. A run is new ({@link #builder}) or resumed from a checkpoint ({@link #resume}, which checks
 * that it goes on with the same data, split and schedule). Its {@link #trainer()} trains it:
 *
 * <pre>{@code
 * TrainingRun run = TrainingRun.builder(ModuleRegistry.load(), backend, DType.FLOAT32)
 *         .model(spec, "spec").optimizer("sgd", null, Map.of("momentum", 0.9)).standardize(true)
 *         .build(data);
 * TrainingHistory history = run.fit(run.trainer()
 *         .listener(run.checkpoints(file))                 // the model, optimizer state, split: every epoch
 *         .listener(new ProgressListener(System.out)));
 * // later, or after a crash:
 * TrainingRun resumed = TrainingRun.resume(file, ModuleRegistry.load(), backend).epochs(20, false).on(data);
 * }</pre>
 *
 * <p>On a cluster, the trainer takes the cluster's updater: {@code
 * run.trainer().updater(session.updaters(1))}; data that the executors hold ({@link
 * RunData#onCluster}) gets it by default.
 */
public final class TrainingRun {
    private final Model model;
    private final List<String> classNames;
    private final Optimizer optimizer;
    private final double baseLearningRate;
    private final TrainingConfig config;
    private final int recordedEpochs;
    private final TrainingHistory history;
    private final RunData data;
    private final boolean resumed;
    private final Loss loss;

    TrainingRun(Model model, Loss loss, List<String> classNames, Optimizer optimizer, double baseLearningRate,
            TrainingConfig config, int recordedEpochs, TrainingHistory history, RunData data, boolean resumed) {
        this.model = model;
        this.loss = loss;
        this.classNames = List.copyOf(classNames);
        this.optimizer = optimizer;
        this.baseLearningRate = baseLearningRate;
        this.config = config;
        this.recordedEpochs = recordedEpochs;
        this.history = history;
        this.data = data;
        this.resumed = resumed;
    }

    /** A new run whose models are built from {@code registry}'s layer types on {@code backend}, in {@code dtype}. */
    public static RunBuilder builder(ModuleRegistry registry, Backend backend, DType dtype) {
        return new RunBuilder(registry, backend, dtype);
    }

    /**
     * The run saved in {@code file} (by {@link #checkpoints} or {@code nn train --out}), read with {@link
     * Checkpoints#resume}, to go on: {@link SavedRun#on} checks it against the data.
     *
     * @throws org.nn4j.io.InvalidInputException naming the file, when it is no model file or cannot be resumed
     */
    public static SavedRun resume(Path file, ModuleRegistry registry, Backend backend) {
        return new SavedRun(file, Checkpoints.resume(file, registry, backend));
    }

    /** The model it trains. */
    public Model model() {
        return model;
    }

    /** What it minimises: the model's loss, with the run's class weights if it has them. */
    public Loss loss() {
        return loss;
    }

    /** The class weights of its loss, or null. */
    public double[] classWeights() {
        return loss instanceof SoftmaxCrossEntropy ce ? ce.classWeights() : null;
    }

    /** The model's classes, by output. */
    public List<String> classNames() {
        return classNames;
    }

    /** What updates the model. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** The learning rate the schedule starts from. */
    public double baseLearningRate() {
        return baseLearningRate;
    }

    /** Epochs, batch size, seed, patience and schedule. */
    public TrainingConfig config() {
        return config;
    }

    /** The epochs in all that the run had before this one: its checkpoint's, or this run's own when new. */
    public int recordedEpochs() {
        return recordedEpochs;
    }

    /** Where the run stands: empty when new, a resumed run's epochs so far. */
    public TrainingHistory history() {
        return history;
    }

    /** What it trains on, standardised if the run is. */
    public RunData data() {
        return data;
    }

    /** Whether it goes on from a checkpoint. */
    public boolean resumed() {
        return resumed;
    }

    /** In words: "[784] linear(out_features=256) ...; adam lr 0.001, batch 128, 10 epochs (constant schedule), seed 42". */
    public String summary() {
        double[] weights = classWeights();
        return model.spec().summary() + (weights == null ? "" : " (class weights " + weightsInWords(weights) + ")")
                + "; " + optimizer.name() + " lr " + baseLearningRate + ", batch "
                + config.batchSize() + ", " + config.epochs() + " epochs (" + config.schedule().describe()
                + " schedule), seed " + config.seed();
    }

    private static String weightsInWords(double[] weights) {
        StringBuilder words = new StringBuilder();
        for (double w : weights) {
            words.append(words.length() == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.4g", w));
        }
        return words.toString();
    }

    /**
     * A trainer of this run, to add listeners to: its model, optimizer, configuration and history, a
     * {@link DivergenceGuard} (a loss that blows up without reaching infinity ends the run as a NaN
     * would), and, for a training set that a cluster's executors hold, that cluster's synchronous
     * updater ({@code updater(session.updaters(k))} averages every k batches instead).
     */
    public Trainer.Builder trainer() {
        Trainer.Builder trainer = Trainer.builder(model).loss(loss).optimizer(optimizer).config(config)
                .history(history).targetStandardizer(data.targetStandardizer()).listener(new DivergenceGuard());
        if (data.cluster() != null) {
            trainer.updater(data.cluster().updaters(1));
        }
        return trainer;
    }

    /**
     * A listener that saves this run to {@code file} after every epoch: the model, its classes and
     * standardisation, the optimizer's state, the loss's class weights, and the data's description and
     * split, which a resume checks.
     */
    public CheckpointListener checkpoints(Path file) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("data", data.description());
        facts.put("split", data.split().toJson());
        if (classWeights() != null) {
            facts.put(Checkpoints.CLASS_WEIGHTS, classWeights());
        }
        return new CheckpointListener(file, 1, classNames, data.standardizer(), facts)
                .targetStandardizer(data.targetStandardizer());
    }

    /**
     * Builds {@code trainer} and fits it on this run's training examples, watching its validation
     * examples (if any) and scoring its test examples for the record ({@link Trainer#fit(
     * org.nn4j.data.Examples, org.nn4j.data.Dataset, org.nn4j.data.Dataset)}).
     */
    public TrainingHistory fit(Trainer.Builder trainer) {
        return trainer.build().fit(data.train(), data.validation(), data.test());
    }
}
