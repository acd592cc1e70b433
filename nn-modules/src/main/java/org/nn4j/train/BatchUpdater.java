package org.nn4j.train;

import org.nn4j.data.Examples;

/**
 * Makes one update of the network from one batch of an epoch. The {@link Trainer} decides which
 * examples form each batch; an updater decides where the gradient is computed: here, or spread over a
 * cluster.
 */
public interface BatchUpdater {

    /**
     * Updates the network from the training examples {@code order[from .. from + count)}.
     *
     * @param epoch the epoch, counting from 0; {@code order} is the same array for all its batches
     * @return the batch's mean loss before the update; when it is not finite, no update was made
     */
    double update(int epoch, int[] order, int from, int count);

    /**
     * Makes the updater of a run: {@link Trainer.Builder#updater} takes one, and a cluster's {@link
     * DistributedTraining.Session#updaters} is one.
     */
    @FunctionalInterface
    interface Factory {

        /**
         * The updater that trains {@code context}'s model with its optimizer on {@code train}, with
         * the context's seed and batch size.
         */
        BatchUpdater create(Examples train, TrainingContext context);
    }
}
