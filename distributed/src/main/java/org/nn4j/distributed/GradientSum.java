package org.nn4j.distributed;

import java.io.Serializable;

/**
 * The sum over some examples of each parameter's gradient and of the loss: what a partition sends
 * back, and what {@code treeAggregate} adds up.
 */
final class GradientSum implements Serializable {
    private static final long serialVersionUID = 1L;

    final double[][] sums;
    double lossSum;
    int count;

    GradientSum(double[][] sums, double lossSum, int count) {
        this.sums = sums;
        this.lossSum = lossSum;
        this.count = count;
    }

    /** Zeros for parameters of these element counts. */
    static GradientSum zero(int[] sizes) {
        double[][] sums = new double[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            sums[i] = new double[sizes[i]];
        }
        return new GradientSum(sums, 0, 0);
    }

    /** Adds {@code other} into this one and returns this one. */
    GradientSum add(GradientSum other) {
        for (int i = 0; i < sums.length; i++) {
            double[] into = sums[i];
            double[] from = other.sums[i];
            for (int j = 0; j < into.length; j++) {
                into[j] += from[j];
            }
        }
        lossSum += other.lossSum;
        count += other.count;
        return this;
    }
}
