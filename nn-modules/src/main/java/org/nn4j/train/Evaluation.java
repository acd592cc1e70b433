package org.nn4j.train;

import java.util.List;
import org.nn4j.api.Backend;
import org.nn4j.api.DType;
import org.nn4j.api.Matrix;
import org.nn4j.data.Dataset;
import org.nn4j.nn.Buffers;
import org.nn4j.nn.Loss;
import org.nn4j.nn.Model;
import org.nn4j.nn.Pass;

/**
 * How a network does on labelled data: a classifier's accuracy and confusion matrix, or a regression
 * model's errors per target.
 *
 * @param loss mean loss per example
 * @param accuracy share of examples whose highest output is their class; NaN for regression
 * @param confusion the confusion matrix's cells that are not 0, by true class, then predicted class: as
 *     many as the data has pairs of classes at most, not classes squared (100,000 classes are 10^10 cells);
 *     empty for regression
 * @param classNames the name of each class, or of each regression target
 * @param regression the errors per target for regression, or null for classes
 * @param topKAccuracy share of examples whose class is among their {@link #TOP_K} highest outputs (ties
 *     counted for the class); NaN for regression and beyond {@link #TOP_K_CLASSES} classes
 */
public record Evaluation(double loss, double accuracy, List<Cell> confusion, List<String> classNames,
        RegressionMetrics regression, double topKAccuracy) {
    /** The k of {@link #topKAccuracy}. */
    public static final int TOP_K = 5;
    /** The most classes whose top-k accuracy is computed (it reads every output). */
    public static final int TOP_K_CLASSES = 1000;
    private static final int BATCH = 1000;
    /** The most outputs a batch holds: 1000 examples of up to 1000 classes, fewer examples of more. */
    private static final int BATCH_OUTPUTS = 1_000_000;

    /** Keeps a copy of {@code confusion} and {@code classNames}. */
    public Evaluation {
        confusion = List.copyOf(confusion);
        classNames = List.copyOf(classNames);
    }

    /**
     * One cell of the confusion matrix: {@code count} examples of class {@code truth} whose highest
     * output is class {@code predicted}.
     */
    public record Cell(int truth, int predicted, int count) {
    }

    /** Runs {@code network} in evaluation mode over {@code data} in batches of up to 1000 examples. */
    public static Evaluation of(Model network, Loss loss, Dataset data) {
        return of(network, loss, data, null);
    }

    /**
     * As {@link #of(Model, Loss, Dataset)} for a regression model trained on targets standardised by {@code
     * scale} (and {@code data}'s targets standardised so): the loss is the standardised targets', the errors
     * are in the targets' own units. Null {@code scale}: none.
     */
    public static Evaluation of(Model network, Loss loss, Dataset data, org.nn4j.data.Standardizer scale) {
        Backend backend = network.backend();
        DType dtype = network.dtype();
        int d = data.featureCount();
        int k = data.outputCount();
        if (network.inputSize() != d || network.outputSize() != k) {
            throw new IllegalArgumentException("a network of " + network.inputSize() + " inputs and "
                    + network.outputSize() + " outputs cannot evaluate " + data.source() + " (" + d + " features, "
                    + k + (data.isRegression() ? " targets)" : " classes)"));
        }
        RegressionMetrics.Sums errors = data.isRegression() ? new RegressionMetrics.Sums(k) : null;
        int n = data.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Buffers inputs = new Buffers(backend);
        Buffers targets = new Buffers(backend);
        org.nn4j.nn.TokenIds tokens = new org.nn4j.nn.TokenIds(dtype, d);
        int batch = Math.max(1, Math.min(BATCH, BATCH_OUTPUTS / k));
        java.util.Map<Long, Integer> cells = new java.util.HashMap<>();
        int[] predicted = new int[Math.min(batch, n)];
        double lossSum = 0;
        int correct = 0;
        long topHits = 0;
        for (int from = 0; from < n; from += batch) {
            int count = Math.min(batch, n - from);
            float[] y = new float[count * k];
            data.gatherTargets(order, from, count, y);
            Matrix xm;
            if (data.hasTokens()) {
                tokens.set(data.tokens(), from * d, count);
                xm = tokens;
            } else {
                float[] x = new float[count * d];
                data.gatherFeatures(order, from, count, x);
                xm = inputs.get(dtype, count, d);
                backend.copyIn(x, xm);
            }
            Matrix ym = targets.get(dtype, count, k);
            backend.copyIn(y, ym);
            Matrix output = network.forward(xm, Pass.eval());
            lossSum += loss.forward(output, ym) * count;
            if (errors != null) {
                double[] values = backend.toArray(output);
                if (scale != null) {
                    scale.invert(values);
                    scale.invert(y);
                }
                errors.add(values, y, count);
                continue;
            }
            int[] classes = count == predicted.length ? predicted : new int[count];
            backend.argmaxRows(output, classes);
            if (k <= TOP_K_CLASSES) {
                topHits += topHits(backend.toArray(output), data.labels(), from, count, k);
            }
            for (int i = 0; i < count; i++) {
                int truth = data.labels()[from + i];
                cells.merge((long) truth * k + classes[i], 1, Integer::sum);
                if (classes[i] == truth) {
                    correct++;
                }
            }
        }
        List<Cell> confusion = new java.util.ArrayList<>(cells.size());
        cells.entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e -> confusion.add(
                new Cell((int) (e.getKey() / k), (int) (e.getKey() % k), e.getValue())));
        if (errors != null) {
            return new Evaluation(lossSum / n, Double.NaN, List.of(), data.classNames(), errors.metrics(), Double.NaN);
        }
        return new Evaluation(lossSum / n, (double) correct / n, confusion, data.classNames(), null,
                k <= TOP_K_CLASSES ? (double) topHits / n : Double.NaN);
    }

    /** Rows of {@code outputs} whose class ({@code labels[from + i]}) has fewer than {@link #TOP_K} outputs above its own. */
    private static int topHits(double[] outputs, int[] labels, int from, int count, int k) {
        int hits = 0;
        for (int i = 0; i < count; i++) {
            double own = outputs[i * k + labels[from + i]];
            int above = 0;
            for (int j = 0; j < k && above < TOP_K; j++) {
                above += outputs[i * k + j] > own ? 1 : 0;
            }
            hits += above < TOP_K ? 1 : 0;
        }
        return hits;
    }

    /**
     * Precision, recall and F1 of each class (0 where undefined: a class never predicted has precision 0,
     * as scikit-learn's zero_division=0), from the confusion matrix.
     */
    public ClassScores classScores() {
        int c = classNames.size();
        long[] truths = new long[c];
        long[] predictions = new long[c];
        long[] right = new long[c];
        for (Cell cell : confusion) {
            truths[cell.truth()] += cell.count();
            predictions[cell.predicted()] += cell.count();
            if (cell.truth() == cell.predicted()) {
                right[cell.truth()] = cell.count();
            }
        }
        double[] precision = new double[c];
        double[] recall = new double[c];
        double[] f1 = new double[c];
        for (int i = 0; i < c; i++) {
            precision[i] = predictions[i] == 0 ? 0 : (double) right[i] / predictions[i];
            recall[i] = truths[i] == 0 ? 0 : (double) right[i] / truths[i];
            f1[i] = precision[i] + recall[i] == 0 ? 0 : 2 * precision[i] * recall[i] / (precision[i] + recall[i]);
        }
        return new ClassScores(precision, recall, f1, truths, predictions);
    }

    /**
     * Per-class scores and their means.
     *
     * @param precision of each class: its right predictions over its predictions
     * @param recall of each class: its right predictions over its examples
     * @param f1 of each class: the harmonic mean of the two
     * @param support examples of each class
     * @param predicted examples predicted as each class
     */
    public record ClassScores(double[] precision, double[] recall, double[] f1, long[] support, long[] predicted) {
        /** The mean over the classes that occur (with examples or predictions), as scikit-learn's macro average. */
        public double macro(double[] scores) {
            double sum = 0;
            int classes = 0;
            for (int i = 0; i < scores.length; i++) {
                if (support[i] > 0 || predicted[i] > 0) {
                    sum += scores[i];
                    classes++;
                }
            }
            return classes == 0 ? Double.NaN : sum / classes;
        }

        /** The mean weighted by each class's examples, as scikit-learn's weighted average. */
        public double weighted(double[] scores) {
            double sum = 0;
            long examples = 0;
            for (int i = 0; i < scores.length; i++) {
                sum += scores[i] * support[i];
                examples += support[i];
            }
            return examples == 0 ? Double.NaN : sum / examples;
        }
    }

    /** The number of examples of class {@code truth} whose highest output is class {@code predicted}. */
    public int count(int truth, int predicted) {
        int low = 0;
        int high = confusion.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            Cell cell = confusion.get(mid);
            int c = cell.truth() != truth ? Integer.compare(cell.truth(), truth)
                    : Integer.compare(cell.predicted(), predicted);
            if (c == 0) {
                return cell.count();
            }
            if (c < 0) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return 0;
    }

    /** The number of examples of each class. */
    public int[] examplesPerClass() {
        int[] total = new int[classNames.size()];
        for (Cell cell : confusion) {
            total[cell.truth()] += cell.count();
        }
        return total;
    }

    /** The accuracy on each class's examples; NaN for a class with none. */
    public double[] perClassAccuracy() {
        int[] total = examplesPerClass();
        int[] right = new int[total.length];
        for (Cell cell : confusion) {
            if (cell.truth() == cell.predicted()) {
                right[cell.truth()] = cell.count();
            }
        }
        double[] accuracy = new double[total.length];
        for (int c = 0; c < total.length; c++) {
            accuracy[c] = total[c] == 0 ? Double.NaN : (double) right[c] / total[c];
        }
        return accuracy;
    }
}
