package org.nn4j.nn;

import java.util.Arrays;

/**
 * Which steps of a batch of sequences are real: row {@code r} of the batch has {@link #length(int)}
 * real steps, followed by padding up to {@link #steps()}, as a right-padded batch that PyTorch's
 * {@code pack_padded_sequence} would take with those lengths.
 *
 * <p>The layer that knows the padding makes the mask ({@code embedding} with a {@code padding_idx}: a
 * row's length is the number of its tokens before the first padding token) and sets its lengths on each
 * forward pass. A {@link Sequential} hands it, when the Sequential is made, to the modules after that
 * layer ({@link Module#propagateMask}), Keras's mask propagation fixed at build time: layers that keep
 * the step axis pass it on, layers that consume it (a pooling over steps) end it. A layer reads the
 * lengths of the current batch during its forward and backward passes; a mask is used by one model on
 * one thread, as the model is.
 */
public final class SequenceMask {
    private final int steps;
    private int[] lengths = new int[0];
    private int rows;
    private boolean full;

    /** A mask of sequences of {@code steps} steps; until {@link #set} is called, a batch of none. */
    public SequenceMask(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("a sequence mask needs at least one step, not " + steps);
        }
        this.steps = steps;
    }

    /** The steps of every row, padding included: the {@code T} of a {@code [T, F]} example. */
    public int steps() {
        return steps;
    }

    /** The rows of the current batch. */
    public int rows() {
        return rows;
    }

    /** The real steps of row {@code row} of the current batch, in {@code [0, steps()]}. */
    public int length(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " of a batch of " + rows);
        }
        return lengths[row];
    }

    /**
     * The lengths of the current batch: an array of at least {@link #rows()} entries, the mask's own
     * (read it, do not keep or change it), for a backend operation that takes lengths.
     */
    public int[] lengths() {
        return lengths;
    }

    /** Whether every row of the current batch has all {@link #steps()} steps: a batch without padding. */
    public boolean full() {
        return full;
    }

    /**
     * Sets the lengths of a batch of {@code rows} rows from {@code lengths[0 .. rows)}, copied: kept until
     * the next call, which reuses the array when it is large enough.
     *
     * @throws IllegalArgumentException when a length is outside {@code [0, steps()]}
     */
    public void set(int[] lengths, int rows) {
        if (this.lengths.length < rows) {
            this.lengths = new int[rows];
        }
        boolean all = true;
        for (int r = 0; r < rows; r++) {
            int length = lengths[r];
            if (length < 0 || length > steps) {
                throw new IllegalArgumentException("row " + r + " has length " + length + ", outside [0, " + steps
                        + "]");
            }
            this.lengths[r] = length;
            all &= length == steps;
        }
        this.rows = rows;
        this.full = all;
    }

    @Override
    public String toString() {
        return "SequenceMask(" + steps + " steps, lengths " + Arrays.toString(Arrays.copyOf(lengths, rows)) + ")";
    }
}
