package org.nn4j.train;

/**
 * How to train, besides the optimizer.
 *
 * @param epochs epochs in all, counting any a resumed run already did
 * @param batchSize examples per update
 * @param seed seeds the shuffle of each epoch
 * @param patience stop when the held-out loss has not improved for this many epochs; 0 never stops
 *     early
 * @param schedule the learning rate per epoch
 */
public record TrainingConfig(int epochs, int batchSize, long seed, int patience, LearningRateSchedule schedule) {

    /** Checks that epochs and batch size are at least 1 and patience is not negative. */
    public TrainingConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, not " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, not " + batchSize);
        }
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be 0 (off) or more, not " + patience);
        }
    }
}
