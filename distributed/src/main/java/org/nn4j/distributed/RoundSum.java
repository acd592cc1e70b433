package org.nn4j.distributed;

import java.io.Serializable;

/**
 * What partitions send back after a round of local steps: their parameters, buffers and optimizer
 * state after it, each times the examples the partition trained on, so that the driver's sum divided
 * by all the examples is their average weighted by examples; and the round's loss sum. Float64,
 * whatever the model's dtype, since a round sends them once for many steps.
 */
final class RoundSum implements Serializable {
    private static final long serialVersionUID = 1L;

    double[][] sums;
    double lossSum;
    long examples;

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
        for (int i = 0; i < sums.length; i++) {
            for (int j = 0; j < sums[i].length; j++) {
                sums[i][j] += other.sums[i][j];
            }
        }
        lossSum += other.lossSum;
        examples += other.examples;
        return this;
    }
}
