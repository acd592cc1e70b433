package org.nn4j.train;

/**
 * What one epoch of training measured.
 *
 * @param epoch counting from 1
 * @param trainLoss mean loss over the epoch's batches, weighted by batch size
 * @param testLoss mean loss on the held-out data after the epoch
 * @param testAccuracy share of held-out examples classified right after the epoch
 * @param samplesPerSecond training examples per second of the epoch's training (evaluation excluded)
 * @param learningRate the rate the epoch trained with
 * @param seconds wall time of the epoch, evaluation included
 * @param testRegression a regression model's errors on the held-out data after the epoch; null for a classifier
 *     (whose {@code testAccuracy} it has instead: NaN for regression)
 */
public record EpochMetrics(int epoch, double trainLoss, double testLoss, double testAccuracy, double samplesPerSecond,
        double learningRate, double seconds, RegressionMetrics testRegression) {

    /** A classifier's epoch. */
    public EpochMetrics(int epoch, double trainLoss, double testLoss, double testAccuracy, double samplesPerSecond,
            double learningRate, double seconds) {
        this(epoch, trainLoss, testLoss, testAccuracy, samplesPerSecond, learningRate, seconds, null);
    }
}
