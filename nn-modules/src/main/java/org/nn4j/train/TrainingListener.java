package org.nn4j.train;

/**
 * Hears how training goes: progress displays, checkpoints, early stopping. Every method does nothing
 * by default. A {@link Trainer} calls them on the thread that runs {@code fit}, in this order: {@link
 * #trainingStarted}, then per epoch {@link #epochStarted}, {@link #batchFinished} per batch and {@link
 * #epochFinished}, after which {@link #stopRequested} may end the run, then {@link #epochsFinished}
 * and last {@link #trainingFinished} (both also after a run that nothing was left to do for, not after
 * one that failed).
 */
public interface TrainingListener {

    /** Training begins: what trains, and how. */
    default void trainingStarted(TrainingContext context) {
    }

    /** An epoch ({@code epoch} counting from 1, of {@code epochs}) begins, in {@code batches} batches. */
    default void epochStarted(int epoch, int epochs, int batches) {
    }

    /** Batch {@code batch} (from 1) of {@code batches} is done; the epoch's mean loss and speed so far. */
    default void batchFinished(int epoch, int batch, int batches, double meanLoss, double samplesPerSecond) {
    }

    /** An epoch and its evaluation are done; {@code history} includes it. */
    default void epochFinished(EpochMetrics metrics, TrainingHistory history) {
    }

    /** Asked after each epoch: true ends the run there, as early stopping does. */
    default boolean stopRequested() {
        return false;
    }

    /**
     * The last epoch is done; the model may still change here (as {@link EarlyStopping} puts its best
     * epoch back) before the test examples are scored for {@link TrainingHistory#finalTest}.
     */
    default void epochsFinished(TrainingHistory history) {
    }

    /** Training is over; {@code history} holds every epoch, this run's and any it resumed. */
    default void trainingFinished(TrainingHistory history) {
    }
}
