package org.nn4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.nn4j.io.AtomicFiles;
import org.nn4j.io.UnwritableFileException;

/**
 * Writes the run's metrics after every epoch and at the end, atomically, as one JSON object: per-epoch
 * lists ({@code train_loss}; {@code validation_loss} and {@code validation_accuracy} where the run has
 * validation examples, {@code test_loss} and {@code test_accuracy} where the test examples were scored
 * after epochs, null for an epoch they were not; a regression model's {@code _mse}, {@code _mae}, {@code
 * _r2}, means over its targets, instead of accuracy; {@code samples_per_second}, {@code learning_rate},
 * {@code seconds}), {@code final_test} (the test scores at the end: {@code loss}, {@code accuracy} or the
 * errors per target), {@code epochs}, {@code stopped_early}, and the facts given (backend, data and the
 * like), as nn train's {@code --metrics-json} does.
 */
public final class MetricsListener implements TrainingListener {
    private final Path file;
    private final Map<String, Object> facts;

    /**
     * @param file where the JSON goes
     * @param facts more keys of the object, in their order: strings, numbers or booleans
     */
    public MetricsListener(Path file, Map<String, Object> facts) {
        this.file = java.util.Objects.requireNonNull(file, "file");
        this.facts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(facts));
    }

    @Override
    public void epochFinished(EpochMetrics metrics, TrainingHistory history) {
        write(history);
    }

    @Override
    public void trainingFinished(TrainingHistory history) {
        write(history);
    }

    private void write(TrainingHistory history) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        List<EpochMetrics> epochs = history.epochs();
        list(root, "train_loss", epochs, EpochMetrics::trainLoss);
        scores(root, "validation", epochs, EpochMetrics::validation);
        scores(root, "test", epochs, EpochMetrics::test);
        list(root, "samples_per_second", epochs, EpochMetrics::samplesPerSecond);
        list(root, "learning_rate", epochs, EpochMetrics::learningRate);
        list(root, "seconds", epochs, EpochMetrics::seconds);
        if (history.finalTest() != null) {
            root.set("final_test", json.valueToTree(history.finalTest().toJson()));
        }
        root.put("epochs", history.epochsDone());
        root.put("stopped_early", history.stoppedEarly());
        facts.forEach((key, value) -> root.set(key, json.valueToTree(value)));
        try {
            AtomicFiles.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (UnwritableFileException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the metrics (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The scores of the epochs {@code which} has them for, as {@code PREFIX_loss} and {@code PREFIX_accuracy}
     * or {@code PREFIX_mse}, {@code PREFIX_mae}, {@code PREFIX_r2} (means over targets) lists, null for an
     * epoch without; no lists when no epoch has them.
     */
    private static void scores(ObjectNode root, String prefix, List<EpochMetrics> epochs,
            java.util.function.Function<EpochMetrics, Scores> which) {
        Scores any = epochs.stream().map(which).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        if (any == null) {
            return;
        }
        list(root, prefix + "_loss", epochs, e -> which.apply(e) == null ? Double.NaN : which.apply(e).loss());
        if (any.regression() == null) {
            list(root, prefix + "_accuracy", epochs, e -> which.apply(e) == null ? Double.NaN : which.apply(e).accuracy());
            return;
        }
        list(root, prefix + "_mse", epochs, e -> which.apply(e) == null ? Double.NaN : which.apply(e).regression().meanMse());
        list(root, prefix + "_mae", epochs, e -> which.apply(e) == null ? Double.NaN : which.apply(e).regression().meanMae());
        list(root, prefix + "_r2", epochs, e -> which.apply(e) == null ? Double.NaN : which.apply(e).regression().meanR2());
    }

    private static void list(ObjectNode root, String key, List<EpochMetrics> epochs, ToDoubleFunction<EpochMetrics> f) {
        ArrayNode array = root.putArray(key);
        for (EpochMetrics e : epochs) {
            double value = f.applyAsDouble(e);
            if (Double.isNaN(value)) {
                array.addNull();
            } else {
                array.add(value);
            }
        }
    }
}
