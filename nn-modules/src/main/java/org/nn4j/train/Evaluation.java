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
 */
public record Evaluation(double loss, double accuracy, List<Cell> confusion, List<String> classNames,
        RegressionMetrics regression) {
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
                errors.add(backend.toArray(output), y, count);
                continue;
            }
            int[] classes = count == predicted.length ? predicted : new int[count];
            backend.argmaxRows(output, classes);
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
            return new Evaluation(lossSum / n, Double.NaN, List.of(), data.classNames(), errors.metrics());
        }
        return new Evaluation(lossSum / n, (double) correct / n, confusion, data.classNames(), null);
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
