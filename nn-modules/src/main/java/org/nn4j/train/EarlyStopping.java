package org.nn4j.train;

import java.util.ArrayList;
import java.util.List;
import org.nn4j.api.Backend;
import org.nn4j.api.Matrix;
import org.nn4j.nn.Model;

/**
 * Ends training when the validation loss has not improved for {@code patience} epochs, and on request
 * puts back the parameters and buffers of the epoch with the lowest validation loss (as DL4J's
 * {@code EarlyStoppingTrainer} and Keras's {@code restore_best_weights} do). Needs validation data;
 * counts from the first epoch it hears (a resumed run starts it afresh).
 */
public final class EarlyStopping implements TrainingListener {
    private final int patience;
    private final boolean restoreBest;
    private Model model;
    private double best = Double.POSITIVE_INFINITY;
    private int bestEpoch;
    private int sinceBest;
    private List<double[]> bestState;

    /**
     * @param patience epochs without a better validation loss before the run ends, at least 1
     * @param restoreBest whether the model ends with the best epoch's parameters and buffers
     */
    public EarlyStopping(int patience, boolean restoreBest) {
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be at least 1, not " + patience);
        }
        this.patience = patience;
        this.restoreBest = restoreBest;
    }

    @Override
    public void trainingStarted(TrainingContext context) {
        model = context.model();
    }

    @Override
    public void epochFinished(EpochMetrics metrics, TrainingHistory history) {
        if (metrics.validation() == null) {
            throw new IllegalStateException("EarlyStopping watches the validation loss: fit(train, validation)"
                    + " with validation data");
        }
        if (metrics.validation().loss() < best) {
            best = metrics.validation().loss();
            bestEpoch = metrics.epoch();
            sinceBest = 0;
            if (restoreBest) {
                bestState = copy(model);
            }
        } else {
            sinceBest++;
        }
    }

    @Override
    public boolean stopRequested() {
        return sinceBest >= patience;
    }

    @Override
    public void epochsFinished(TrainingHistory history) {
        if (restoreBest && bestState != null && history.last() != null && history.last().epoch() != bestEpoch) {
            Backend backend = model.backend();
            List<Matrix> state = model.stateValues();
            for (int i = 0; i < state.size(); i++) {
                backend.copyIn(bestState.get(i), state.get(i));
            }
        }
    }

    /** The epoch (from 1) with the lowest validation loss so far, 0 before the first. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The lowest validation loss so far. */
    public double bestLoss() {
        return best;
    }

    private static List<double[]> copy(Model model) {
        List<double[]> copies = new ArrayList<>();
        for (Matrix m : model.stateValues()) {
            copies.add(model.backend().toArray(m));
        }
        return copies;
    }
}
