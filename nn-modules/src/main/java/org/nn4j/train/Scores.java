package org.nn4j.train;

import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What a model scored on a set of held-out examples: the mean loss, and a classifier's accuracy or a
 * regression model's errors per target.
 *
 * @param loss mean loss over the examples
 * @param accuracy share classified right; NaN for regression
 * @param regression errors per target; null for a classifier
 */
public record Scores(double loss, double accuracy, RegressionMetrics regression) {

    /** The scores of an evaluation. */
    public static Scores of(Evaluation evaluation) {
        return new Scores(evaluation.loss(), evaluation.accuracy(), evaluation.regression());
    }

    /** In words, each score named after {@code set} ("validation loss 0.4123, validation accuracy 0.8512"). */
    public String describe(String set) {
        return regression == null
                ? String.format(Locale.ROOT, "%s loss %.4f, %s accuracy %.4f", set, loss, set, accuracy)
                : String.format(Locale.ROOT, "%s loss %.4f, %s mse %.4g, mae %.4g, r2 %.4f", set, loss, set,
                        regression.meanMse(), regression.meanMae(), regression.meanR2());
    }

    /**
     * Each score to {@code put} under a key of {@code prefix} ({@code test_loss}, {@code test_accuracy} or
     * {@code test_mse}, {@code test_mae}, {@code test_r2} with a value per target), as checkpoints record them.
     */
    void record(String prefix, BiConsumer<String, Object> put) {
        put.accept(prefix + "_loss", loss);
        put.accept(prefix + "_accuracy", accuracy);
        if (regression != null) {
            put.accept(prefix + "_mse", regression.mse());
            put.accept(prefix + "_mae", regression.mae());
            put.accept(prefix + "_r2", regression.r2());
        }
    }

    /** The scores {@link #record} wrote under {@code prefix} into {@code node}, or null when there are none. */
    static Scores read(com.fasterxml.jackson.databind.JsonNode node, String prefix) {
        if (!node.path(prefix + "_loss").isNumber() && !node.path(prefix + "_loss").isTextual()) {
            return null;
        }
        double loss = node.path(prefix + "_loss").asDouble();
        if (Double.isNaN(loss) && !node.has(prefix + "_mse")) {
            return null;
        }
        RegressionMetrics regression = node.has(prefix + "_mse") ? new RegressionMetrics(
                doubles(node.path(prefix + "_mse")), doubles(node.path(prefix + "_mae")),
                doubles(node.path(prefix + "_r2"))) : null;
        return new Scores(loss, node.path(prefix + "_accuracy").asDouble(Double.NaN), regression);
    }

    private static double[] doubles(com.fasterxml.jackson.databind.JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble(Double.NaN);
        }
        return values;
    }

    /** As a metrics file has it: {@code loss}, {@code accuracy} or the regression errors per target. */
    Map<String, Object> toJson() {
        Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("loss", loss);
        if (regression == null) {
            json.put("accuracy", accuracy);
        } else {
            json.put("mse", regression.mse());
            json.put("mae", regression.mae());
            json.put("r2", regression.r2());
        }
        return json;
    }
}
