package org.nn4j.distributed;

import java.io.Serializable;

/**
 * What a partition sends back and {@code treeAggregate} adds up: arrays summed over the partition's
 * examples, each weighted by them (a synchronous step's gradients and buffers; an averaging round's
 * parameters, buffers and optimizer state), the loss summed over the examples, and their count. The
 * sums travel in the model's dtype: float64 for a float64 model, so that Spark's weights equal one
 * machine's, float32 for a float32 one, at half the bytes. A partition without examples sends an empty
 * one.
 */
final class PartialSums implements Serializable {
    private static final long serialVersionUID = 1L;

    double[][] sums64;
    float[][] sums32;
    double lossSum;
    int count;

    private PartialSums() {
    }

    static PartialSums empty() {
        return new PartialSums();
    }

    static PartialSums of64(double[][] sums, double lossSum, int count) {
        PartialSums s = new PartialSums();
        s.sums64 = sums;
        s.lossSum = lossSum;
        s.count = count;
        return s;
    }

    static PartialSums of32(float[][] sums, double lossSum, int count) {
        PartialSums s = new PartialSums();
        s.sums32 = sums;
        s.lossSum = lossSum;
        s.count = count;
        return s;
    }

    /** Adds {@code other} into this one and returns the sum (either of them). */
    PartialSums add(PartialSums other) {
        if (other.count == 0) {
            return this;
        }
        if (count == 0) {
            return other;
        }
        if (sums64 != null) {
            for (int i = 0; i < sums64.length; i++) {
                double[] into = sums64[i];
                double[] from = other.sums64[i];
                for (int j = 0; j < into.length; j++) {
                    into[j] += from[j];
                }
            }
        } else {
            for (int i = 0; i < sums32.length; i++) {
                float[] into = sums32[i];
                float[] from = other.sums32[i];
                for (int j = 0; j < into.length; j++) {
                    into[j] += from[j];
                }
            }
        }
        lossSum += other.lossSum;
        count += other.count;
        return this;
    }

    /** Sum {@code i} divided by the count, as float64. */
    double[] mean(int i) {
        double[] mean;
        if (sums64 != null) {
            mean = sums64[i].clone();
        } else {
            mean = new double[sums32[i].length];
            for (int j = 0; j < mean.length; j++) {
                mean[j] = sums32[i][j];
            }
        }
        for (int j = 0; j < mean.length; j++) {
            mean[j] /= count;
        }
        return mean;
    }

    /** How many arrays are summed. */
    int parts() {
        return sums64 != null ? sums64.length : sums32.length;
    }

    /** The bytes of the sums. */
    long bytes() {
        long bytes = 0;
        if (sums64 != null) {
            for (double[] s : sums64) {
                bytes += 8L * s.length;
            }
        } else if (sums32 != null) {
            for (float[] s : sums32) {
                bytes += 4L * s.length;
            }
        }
        return bytes;
    }
}
