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
 * How a network does on labelled data.
 *
 * @param loss mean loss per example
 * @param accuracy share of examples whose highest output is their class
 * @param confusion {@code confusion[true][predicted]} counts
 * @param classNames the name of each class
 */
public record Evaluation(double loss, double accuracy, int[][] confusion, List<String> classNames) {
    private static final int BATCH = 1000;

    /** Runs {@code network} in evaluation mode over {@code data} in batches of up to 1000 examples. */
    public static Evaluation of(Model network, Loss loss, Dataset data) {
        Backend backend = network.backend();
        DType dtype = network.dtype();
        int d = data.featureCount();
        int k = data.classCount();
        if (network.inputSize() != d || network.outputSize() != k) {
            throw new IllegalArgumentException("a network of " + network.inputSize() + " inputs and "
                    + network.outputSize() + " outputs cannot evaluate " + data.source() + " (" + d + " features, "
                    + k + " classes)");
        }
        int n = data.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Buffers inputs = new Buffers(backend);
        Buffers targets = new Buffers(backend);
        int[][] confusion = new int[k][k];
        int[] predicted = new int[Math.min(BATCH, n)];
        double lossSum = 0;
        int correct = 0;
        for (int from = 0; from < n; from += BATCH) {
            int count = Math.min(BATCH, n - from);
            float[] x = new float[count * d];
            float[] y = new float[count * k];
            data.gatherFeatures(order, from, count, x);
            data.gatherOneHot(order, from, count, y);
            Matrix xm = inputs.get(dtype, count, d);
            Matrix ym = targets.get(dtype, count, k);
            backend.copyIn(x, xm);
            backend.copyIn(y, ym);
            Matrix output = network.forward(xm, Pass.eval());
            lossSum += loss.forward(output, ym) * count;
            int[] classes = count == predicted.length ? predicted : new int[count];
            backend.argmaxRows(output, classes);
            for (int i = 0; i < count; i++) {
                int truth = data.labels()[from + i];
                confusion[truth][classes[i]]++;
                if (classes[i] == truth) {
                    correct++;
                }
            }
        }
        return new Evaluation(lossSum / n, (double) correct / n, confusion, data.classNames());
    }

    /** The accuracy on each class's examples; NaN for a class with none. */
    public double[] perClassAccuracy() {
        double[] accuracy = new double[confusion.length];
        for (int c = 0; c < confusion.length; c++) {
            int total = 0;
            for (int count : confusion[c]) {
                total += count;
            }
            accuracy[c] = total == 0 ? Double.NaN : (double) confusion[c][c] / total;
        }
        return accuracy;
    }
}
