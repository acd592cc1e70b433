package org.nn4j.train;

import java.util.Locale;

/**
 * Ends a run whose loss has blown up: when an epoch's mean loss so far exceeds {@code factor} times
 * the run's first batch's (or times 1, if that is larger, so that a run that starts near zero, such
 * as a resumed one, is not stopped by ordinary noise), it throws a {@link TrainingDivergedException}
 * saying so. (A loss that is not finite ends every run, guard or not.) A loss can climb to 1e31
 * without ever reaching infinity; this catches it within a batch or two.
 */
public final class DivergenceGuard implements TrainingListener {
    private final double factor;
    private double start = Double.NaN;
    private Optimizer optimizer;

    /** @param factor how many times its start the loss may grow; over 1 */
    public DivergenceGuard(double factor) {
        if (!(factor > 1) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("factor must be a finite number over 1, not " + factor);
        }
        this.factor = factor;
    }

    /** A guard at 100 times the starting loss. */
    public DivergenceGuard() {
        this(100);
    }

    @Override
    public void trainingStarted(TrainingContext context) {
        optimizer = context.optimizer();
    }

    @Override
    public void batchFinished(int epoch, int batch, int batches, double meanLoss, double samplesPerSecond) {
        if (Double.isNaN(start)) {
            start = meanLoss;
            return;
        }
        if (meanLoss > factor * Math.max(start, 1)) {
            throw new TrainingDivergedException(String.format(Locale.ROOT, "training diverged in epoch %d, batch %d"
                    + " of %d: the loss is %.4g, over %.0f times its start (%.4g); try a learning rate lower than"
                    + " %.3g", epoch, batch, batches, meanLoss, factor, start, optimizer.learningRate()));
        }
    }
}
