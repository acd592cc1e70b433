package org.nn4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.data.Standardizer;
import org.nn4j.io.InvalidInputException;
import org.nn4j.io.ModelFile;
import org.nn4j.nn.Loss;
import org.nn4j.nn.Model;
import org.nn4j.nn.losses.SoftmaxCrossEntropy;
import org.nn4j.nn.spec.ModuleRegistry;

/**
 * What a model file records of training (its {@code nn4j.training} JSON), and how a resumed run gets
 * its optimizer, configuration and history back from it.
 */
public final class Checkpoints {

    private Checkpoints() {
    }

    /** The {@code nn4j.training} object of a checkpoint. */
    public static Map<String, Object> describe(Optimizer optimizer, double baseLearningRate, TrainingConfig config,
            TrainingHistory history, Map<String, Object> run) {
        Map<String, Object> opt = new LinkedHashMap<>();
        opt.put("name", optimizer.name());
        opt.put("learning_rate", baseLearningRate);
        opt.put("steps", optimizer.steps());
        opt.putAll(optimizer.settings());
        if (optimizer.maxGradNorm() > 0) {
            opt.put(Optimizer.CLIP_GRAD_NORM.name(), optimizer.maxGradNorm());
        }
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put("epochs", config.epochs());
        conf.put("batch_size", config.batchSize());
        conf.put("seed", config.seed());
        conf.put("patience", config.patience());
        conf.put("schedule", config.schedule().describe());
        List<Map<String, Object>> epochs = new ArrayList<>();
        for (EpochMetrics m : history.epochs()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("epoch", m.epoch());
            e.put("train_loss", m.trainLoss());
            if (m.validation() != null) {
                m.validation().record("validation", e::put);
            }
            if (m.test() != null) {
                m.test().record("test", e::put);
            }
            e.put("samples_per_second", m.samplesPerSecond());
            e.put("learning_rate", m.learningRate());
            e.put("seconds", m.seconds());
            epochs.add(e);
        }
        Map<String, Object> hist = new LinkedHashMap<>();
        hist.put("epochs", epochs);
        hist.put("best_validation_loss", Double.isFinite(history.bestValidationLoss()) ? history.bestValidationLoss()
                : null);
        hist.put("epochs_since_best", history.epochsSinceBest());
        hist.put("stopped_early", history.stoppedEarly());
        hist.put("batches_into_epoch", history.batchesIntoEpoch());
        hist.put("loss_sum_into_epoch", history.lossSumIntoEpoch());
        if (history.finalTest() != null) {
            Map<String, Object> finalTest = new LinkedHashMap<>();
            history.finalTest().record("test", finalTest::put);
            hist.put("final", finalTest);
        }
        Map<String, Object> training = new LinkedHashMap<>(run);
        training.put("optimizer", opt);
        training.put("config", conf);
        training.put("history", hist);
        return training;
    }

    /**
     * The optimizer a checkpoint describes, on {@code parameters}, with its state restored: its type
     * found by name among {@link Optimizers#builtIn()}'s, with the options the file records.
     *
     * @throws IllegalArgumentException for an optimizer or option values that nn4j does not know
     */
    public static Optimizer restoreOptimizer(String file, JsonNode training, Backend backend, List<Matrix> parameters,
            Map<String, List<double[]>> state) {
        JsonNode opt = required(file, training, "optimizer");
        String name = opt.path("name").asText();
        OptimizerType type = Optimizers.builtIn().type(name);
        if (type == null) {
            throw new IllegalArgumentException(Optimizers.builtIn().unknown(name));
        }
        Map<String, Object> options = new LinkedHashMap<>();
        for (OptimizerOption option : type.options()) {
            JsonNode value = opt.path(option.name());
            options.put(option.name(), option.kind() == OptimizerOption.Kind.BOOLEAN ? (Object) value.asBoolean(false)
                    : (Object) value.asDouble(0));
        }
        Optimizer optimizer = type.create(backend, parameters, opt.path("learning_rate").asDouble(), options);
        optimizer.clipGradNorm(opt.path(Optimizer.CLIP_GRAD_NORM.name()).asDouble(0));
        for (String slot : optimizer.slots()) {
            List<double[]> values = state.get(slot);
            if (values == null || values.size() != parameters.size()) {
                throw new InvalidInputException(file + ": no optimizer state '" + slot + "' for each parameter; it cannot"
                        + " be resumed");
            }
            for (int i = 0; i < parameters.size(); i++) {
                backend.copyIn(values.get(i), optimizer.state(slot, i));
            }
        }
        optimizer.resumeAfter(opt.path("steps").asLong());
        return optimizer;
    }

    /** The configuration a checkpoint was trained with, with {@code epochs} in all when positive. */
    public static TrainingConfig restoreConfig(String file, JsonNode training, int epochs) {
        JsonNode conf = required(file, training, "config");
        return new TrainingConfig(epochs > 0 ? epochs : conf.path("epochs").asInt(), conf.path("batch_size").asInt(),
                conf.path("seed").asLong(), conf.path("patience").asInt(),
                LearningRateSchedule.parse(conf.path("schedule").asText("constant")));
    }

    /** The history a checkpoint recorded. */
    public static TrainingHistory restoreHistory(String file, JsonNode training) {
        JsonNode hist = required(file, training, "history");
        List<EpochMetrics> epochs = new ArrayList<>();
        for (JsonNode e : hist.path("epochs")) {
            epochs.add(new EpochMetrics(e.path("epoch").asInt(), e.path("train_loss").asDouble(),
                    Scores.read(e, "validation"), Scores.read(e, "test"), e.path("samples_per_second").asDouble(),
                    e.path("learning_rate").asDouble(), e.path("seconds").asDouble()));
        }
        // Before validation examples, patience watched the held-out loss: a checkpoint of then records it so.
        JsonNode best = hist.has("best_validation_loss") ? hist.path("best_validation_loss") : hist.path("best_test_loss");
        return new TrainingHistory(epochs, best.isNumber() ? best.asDouble() : Double.POSITIVE_INFINITY,
                hist.path("epochs_since_best").asInt(), hist.path("stopped_early").asBoolean(),
                hist.path("batches_into_epoch").asInt(0), hist.path("loss_sum_into_epoch").asDouble(0),
                Scores.read(hist.path("final"), "test"));
    }

    /**
     * A run saved in a model file (by {@link CheckpointListener} or nn train), ready to go on: its model,
     * its optimizer with the state it had (its learning rate the run's base rate), its configuration
     * and history, and what the file says of the data. {@link Trainer#builder(Resumed)} continues it;
     * {@link TrainingRun#resume} checks it against the data too.
     *
     * @param classNames the model's classes, by output
     * @param standardizer what the inputs were standardised with, or null
     * @param split how the run split its data, or null where the file does not record it (an older
     *     nn4j's, or one saved without)
     * @param data the run's data in words, as the file records it, or ""
     * @param loss what the run minimises: the model's loss, with the class weights the file records
     * @param targetStandardizer what a regression run's targets were standardised with, or null
     */
    public record Resumed(Model model, Optimizer optimizer, TrainingConfig config, TrainingHistory history,
            List<String> classNames, Standardizer standardizer, RunSplit split, String data, Loss loss,
            Standardizer targetStandardizer) {
    }

    /** The key of the run's class weights (a list, one per class) in a checkpoint, where it has them. */
    public static final String CLASS_WEIGHTS = "class_weights";

    /**
     * The run saved in {@code file}, its layers built from {@code registry} on {@code backend}.
     *
     * @throws InvalidInputException naming the file, when it is no model file, records no training
     *     or records it in a way nn4j cannot resume
     */
    public static Resumed resume(Path file, ModuleRegistry registry, Backend backend) {
        ModelFile.Loaded loaded = ModelFile.load(file, registry, backend, null);
        String name = file.toString();
        JsonNode training = loaded.training();
        if (training == null || training.isMissingNode() || training.isNull()) {
            throw new InvalidInputException(name + ": the model records no training; it cannot be resumed");
        }
        try {
            Optimizer optimizer = restoreOptimizer(name, training, backend, loaded.model().parameterValues(),
                    loaded.optimizerState());
            TrainingConfig config = restoreConfig(name, training, 0);
            TrainingHistory history = restoreHistory(name, training);
            return new Resumed(loaded.model(), optimizer, config, history, loaded.classNames(), loaded.standardizer(),
                    RunSplit.read(name, training.get("split")), training.path("data").asText(""),
                    restoreLoss(name, training, loaded.model()), loaded.targetStandardizer());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(name + ": " + e.getMessage(), e);
        }
    }

    /** The model's loss, with the class weights the checkpoint records, if any. */
    private static Loss restoreLoss(String file, JsonNode training, Model model) {
        JsonNode weights = training.path(CLASS_WEIGHTS);
        if (weights.isMissingNode()) {
            return model.loss();
        }
        if (!weights.isArray() || weights.size() != model.outputSize() || !(model.loss() instanceof SoftmaxCrossEntropy)) {
            throw new InvalidInputException(file + ": its record of the class weights is damaged: "
                    + InvalidInputException.shown(weights.toString(), 200));
        }
        double[] values = new double[weights.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = weights.get(i).asDouble(Double.NaN);
        }
        return new SoftmaxCrossEntropy(model.backend(), values);
    }

    private static JsonNode required(String file, JsonNode training, String key) {
        JsonNode node = training.get(key);
        if (node == null || !node.isObject()) {
            throw new InvalidInputException(file + ": the model records no training " + key + "; it cannot be resumed");
        }
        return node;
    }
}
