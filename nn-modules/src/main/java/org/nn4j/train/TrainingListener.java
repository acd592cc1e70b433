package org.nn4j.train;

/** Hears how training goes: progress displays and checkpoints. Every method does nothing by default. */
public interface TrainingListener {

    /** An epoch ({@code epoch} counting from 1, of {@code epochs}) begins, in {@code batches} batches. */
    default void epochStarted(int epoch, int epochs, int batches) {
    }

    /** Batch {@code batch} (from 1) of {@code batches} is done; the epoch's mean loss and speed so far. */
    default void batchFinished(int epoch, int batch, int batches, double meanLoss, double samplesPerSecond) {
    }

    /** An epoch and its evaluation are done; {@code history} includes it. */
    default void epochFinished(EpochMetrics metrics, TrainingHistory history) {
    }
}
