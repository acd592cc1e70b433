package org.nn4j.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Every epoch trained so far and the early-stopping counters: what a checkpoint records so that a
 * resumed run continues where the interrupted one stopped.
 *
 * @param epochs metrics of each epoch, in order
 * @param bestTestLoss the lowest held-out loss so far
 * @param epochsSinceBest epochs since that loss
 * @param stoppedEarly whether early stopping ended the run
 */
public record TrainingHistory(List<EpochMetrics> epochs, double bestTestLoss, int epochsSinceBest,
        boolean stoppedEarly) {

    /** Keeps a copy of the epochs. */
    public TrainingHistory {
        epochs = List.copyOf(epochs);
    }

    /** The history of a run that has not begun. */
    public static TrainingHistory empty() {
        return new TrainingHistory(List.of(), Double.POSITIVE_INFINITY, 0, false);
    }

    /** The epochs trained so far. */
    public int epochsDone() {
        return epochs.size();
    }

    /** The history after one more epoch; with {@code patience > 0} it stops after that many epochs without a better held-out loss. */
    TrainingHistory plus(EpochMetrics metrics, int patience) {
        List<EpochMetrics> more = new ArrayList<>(epochs);
        more.add(metrics);
        boolean improved = metrics.testLoss() < bestTestLoss;
        int sinceBest = improved ? 0 : epochsSinceBest + 1;
        return new TrainingHistory(more, improved ? metrics.testLoss() : bestTestLoss, sinceBest,
                patience > 0 && sinceBest >= patience);
    }

    /** This history, ended early (by a listener's request). */
    TrainingHistory stopped() {
        return new TrainingHistory(epochs, bestTestLoss, epochsSinceBest, true);
    }

    /** The metrics of the last epoch, or null before the first. */
    public EpochMetrics last() {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    }
}
