package org.nn4j.distributed;

import java.io.Serializable;

/**
 * What partitions send back after a round of local steps: their parameters, buffers and optimizer
 * state after it, each times the examples the partition trained on, so that the driver's sum divided
 * by all the examples is their average weighted by examples; and the round's loss sum. In the
 * model's dtype.
 */
final class RoundSum implements Serializable {
    private static final long serialVersionUID = 1L;

    double[][] sums;
    /** The sums of a float32 model, at half the bytes (then {@link #sums} is null). */
    float[][] sums32;
    double lossSum;
    long examples;

    /** Sum {@code i} divided by the examples, as float64. */
    double[] mean(int i) {
        double[] mean;
        if (sums32 != null) {
            mean = new double[sums32[i].length];
            for (int j = 0; j < mean.length; j++) {
                mean[j] = sums32[i][j];
            }
        } else {
            mean = sums[i].clone();
        }
        for (int j = 0; j < mean.length; j++) {
            mean[j] /= examples;
        }
        return mean;
    }

    int parts() {
        return sums32 != null ? sums32.length : sums.length;
    }

    static RoundSum empty() {
        return new RoundSum();
    }

    RoundSum add(RoundSum other) {
        if (other.examples == 0) {
            return this;
        }
        if (examples == 0) {
            return other;
        }
        if (sums32 != null) {
            for (int i = 0; i < sums32.length; i++) {
                for (int j = 0; j < sums32[i].length; j++) {
                    sums32[i][j] += other.sums32[i][j];
                }
            }
        } else {
            for (int i = 0; i < sums.length; i++) {
                for (int j = 0; j < sums[i].length; j++) {
                    sums[i][j] += other.sums[i][j];
                }
            }
        }
        lossSum += other.lossSum;
        examples += other.examples;
        return this;
    }
}
