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
 * Writes the run's metrics after every epoch, atomically, as one JSON object: per-epoch lists ({@code
 * train_loss}, {@code test_loss}, {@code test_accuracy}, {@code samples_per_second}, {@code
 * learning_rate}, {@code seconds}), {@code final_test_accuracy}, {@code epochs}, {@code
 * stopped_early}, and the facts given (backend, data and the like), as nn train's {@code
 * --metrics-json} does.
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
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        List<EpochMetrics> epochs = history.epochs();
        list(root, "train_loss", epochs, EpochMetrics::trainLoss);
        list(root, "test_loss", epochs, EpochMetrics::testLoss);
        list(root, "test_accuracy", epochs, EpochMetrics::testAccuracy);
        list(root, "samples_per_second", epochs, EpochMetrics::samplesPerSecond);
        list(root, "learning_rate", epochs, EpochMetrics::learningRate);
        list(root, "seconds", epochs, EpochMetrics::seconds);
        root.put("final_test_accuracy", metrics.testAccuracy());
        if (metrics.testRegression() != null) {
            list(root, "test_mse", epochs, e -> e.testRegression().meanMse());
            list(root, "test_mae", epochs, e -> e.testRegression().meanMae());
            list(root, "test_r2", epochs, e -> e.testRegression().meanR2());
            ObjectNode last = root.putObject("final_test_regression");
            RegressionMetrics r = metrics.testRegression();
            last.set("mse", json.valueToTree(r.mse()));
            last.set("mae", json.valueToTree(r.mae()));
            last.set("r2", json.valueToTree(r.r2()));
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

    private static void list(ObjectNode root, String key, List<EpochMetrics> epochs, ToDoubleFunction<EpochMetrics> f) {
        ArrayNode array = root.putArray(key);
        epochs.forEach(e -> array.add(f.applyAsDouble(e)));
    }
}
