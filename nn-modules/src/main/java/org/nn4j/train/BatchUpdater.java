package org.nn4j.train;

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
}
