package org.nn4j.distributed;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One partition's training examples as dense arrays, made on the executor and cached there: the
 * examples' indices in the training set (which the epoch's shuffle maps to batches), their features
 * ({@code rows x features}, row-major) and their classes.
 */
final class ExampleBlock implements Serializable {
    private static final long serialVersionUID = 1L;

    final int[] indices;
    final float[] features;
    final int[] labels;
    final int featureCount;

    ExampleBlock(int[] indices, float[] features, int[] labels, int featureCount) {
        this.indices = indices;
        this.features = features;
        this.labels = labels;
        this.featureCount = featureCount;
    }

    /** Examples {@code from .. to} of a training set's arrays. */
    static ExampleBlock slice(float[] features, int[] labels, int featureCount, int from, int to) {
        int[] indices = new int[to - from];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = from + i;
        }
        return new ExampleBlock(indices, Arrays.copyOfRange(features, from * featureCount, to * featureCount),
                Arrays.copyOfRange(labels, from, to), featureCount);
    }

    int rows() {
        return indices.length;
    }

    /**
     * This block's rows ordered by their place in an epoch's shuffle, with those places: a batch's
     * rows are then one run of them, found by binary search.
     *
     * @param position each example's place in the epoch's order
     */
    EpochRows order(int[] position) {
        long[] keyed = new long[rows()];
        for (int r = 0; r < keyed.length; r++) {
            keyed[r] = ((long) position[indices[r]] << 32) | r;
        }
        Arrays.sort(keyed);
        int[] places = new int[keyed.length];
        int[] rows = new int[keyed.length];
        for (int i = 0; i < keyed.length; i++) {
            places[i] = (int) (keyed[i] >>> 32);
            rows[i] = (int) keyed[i];
        }
        return new EpochRows(places, rows);
    }

    /**
     * A block's rows in an epoch's order.
     *
     * @param places the rows' places in the epoch's order, ascending
     * @param rows the rows, in the same order
     */
    record EpochRows(int[] places, int[] rows) {

        /** The first index of {@link #places} at or after {@code place}. */
        int first(int place) {
            int i = Arrays.binarySearch(places, place);
            return i >= 0 ? i : -i - 1;
        }
    }
}
