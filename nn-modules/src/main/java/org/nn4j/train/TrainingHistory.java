package org.nn4j.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Every epoch trained so far and the early-stopping counters: what a checkpoint records so that a
 * resumed run continues where the interrupted one stopped; a checkpoint made within an epoch also
 * records how far into that epoch the run was.
 *
 * @param epochs metrics of each epoch, in order
 * @param bestValidationLoss the lowest validation loss so far
 * @param epochsSinceBest epochs since that loss
 * @param stoppedEarly whether early stopping ended the run
 * @param batchesIntoEpoch batches of the next epoch already trained (0 at an epoch's end)
 * @param lossSumIntoEpoch their loss summed over their examples
 * @param finalTest the test examples' scores when the run ended (after any best epoch was put back),
 *     or null before the end or without test examples
 */
public record TrainingHistory(List<EpochMetrics> epochs, double bestValidationLoss, int epochsSinceBest,
        boolean stoppedEarly, int batchesIntoEpoch, double lossSumIntoEpoch, Scores finalTest) {

    /** Keeps a copy of the epochs; checks the batches into the epoch are not negative. */
    public TrainingHistory {
        epochs = List.copyOf(epochs);
        if (batchesIntoEpoch < 0) {
            throw new IllegalArgumentException("batches into an epoch cannot be negative, not " + batchesIntoEpoch);
        }
    }

    /** A history at an epoch's end. */
    public TrainingHistory(List<EpochMetrics> epochs, double bestValidationLoss, int epochsSinceBest,
            boolean stoppedEarly) {
        this(epochs, bestValidationLoss, epochsSinceBest, stoppedEarly, 0, 0, null);
    }

    /** The history of a run that has not begun. */
    public static TrainingHistory empty() {
        return new TrainingHistory(List.of(), Double.POSITIVE_INFINITY, 0, false);
    }

    /** The epochs trained so far (whole ones). */
    public int epochsDone() {
        return epochs.size();
    }

    /**
     * The history after one more epoch; with {@code patience > 0} it stops after that many epochs without
     * a better validation loss (never the test examples': what ends a run must not have seen them).
     */
    TrainingHistory plus(EpochMetrics metrics, int patience) {
        List<EpochMetrics> more = new ArrayList<>(epochs);
        more.add(metrics);
        boolean improved = metrics.validationLoss() < bestValidationLoss;
        int sinceBest = improved ? 0 : epochsSinceBest + 1;
        return new TrainingHistory(more, improved ? metrics.validationLoss() : bestValidationLoss, sinceBest,
                patience > 0 && sinceBest >= patience);
    }

    /** This history, {@code batches} batches into the next epoch, whose losses sum to {@code lossSum}. */
    TrainingHistory into(int batches, double lossSum) {
        return new TrainingHistory(epochs, bestValidationLoss, epochsSinceBest, stoppedEarly, batches, lossSum, null);
    }

    /** This history, ended early (by a listener's request). */
    TrainingHistory stopped() {
        return new TrainingHistory(epochs, bestValidationLoss, epochsSinceBest, true);
    }

    /** This history, ended with the test examples scoring {@code test}. */
    TrainingHistory tested(Scores test) {
        return new TrainingHistory(epochs, bestValidationLoss, epochsSinceBest, stoppedEarly, batchesIntoEpoch,
                lossSumIntoEpoch, test);
    }

    /** The metrics of the last epoch, or null before the first. */
    public EpochMetrics last() {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    }
}
