package org.nn4j.train;

/**
 * What one epoch of training measured.
 *
 * @param epoch counting from 1
 * @param trainLoss mean loss over the epoch's batches, weighted by batch size
 * @param validation the scores on the validation examples after the epoch (what early stopping
 *     watches), or null when the run has none
 * @param test the scores on the test examples after the epoch, for the record, or null when they were
 *     not scored after this epoch
 * @param samplesPerSecond training examples per second of the epoch's training (evaluation excluded)
 * @param learningRate the rate the epoch trained with
 * @param seconds wall time of the epoch, evaluation included
 */
public record EpochMetrics(int epoch, double trainLoss, Scores validation, Scores test, double samplesPerSecond,
        double learningRate, double seconds) {

    /** The validation loss, or NaN when there were no validation examples. */
    public double validationLoss() {
        return validation == null ? Double.NaN : validation.loss();
    }
}
