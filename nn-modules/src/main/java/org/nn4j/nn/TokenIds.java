package org.nn4j.nn;

import org.nn4j.api.DType;
import org.nn4j.api.Matrix;

/**
 * A batch of token ids, the input of a model whose first layer is an {@code embedding}: {@code rows x
 * steps} whole numbers in {@code [0, 2^31)}, row-major, one example of {@code [T]} ids per row. The ids are
 * host {@code int}s, never floats (a float32 would round ids above 2^24), handed to the backend's {@link
 * org.nn4j.api.Backend#gatherRows} as they are. It is a {@link Matrix} only so that it travels through
 * {@link Module#forward} and {@link Model#forward} as any input does: no backend operation takes it, and
 * its {@link #dtype()} is the dtype of the model it feeds (the embedding's output).
 *
 * <p>Made once and {@link #set} for each batch, reusing its array: a training loop allocates nothing.
 */
public final class TokenIds implements Matrix {
    private final DType dtype;
    private final int steps;
    private int[] ids = new int[0];
    private int rows;

    /** Batches of {@code steps} ids per row for a model of {@code dtype}; until {@link #set}, none. */
    public TokenIds(DType dtype, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("token ids need at least one step, not " + steps);
        }
        this.dtype = dtype;
        this.steps = steps;
    }

    /** Ids of {@code rows} rows, {@code ids.length == rows * steps}, copied. */
    public static TokenIds of(DType dtype, int steps, int[] ids, int rows) {
        TokenIds batch = new TokenIds(dtype, steps);
        batch.set(ids, 0, rows);
        return batch;
    }

    /**
     * Takes the ids of {@code rows} rows from {@code source[from .. from + rows * steps)}, copied into this
     * batch's array (grown when too small, else reused).
     *
     * @throws IllegalArgumentException for a negative id (ids are checked against the table where used)
     */
    public void set(int[] source, int from, int rows) {
        if (rows < 1 || (long) from + (long) rows * steps > source.length) {
            throw new IllegalArgumentException(rows + " rows of " + steps + " ids do not fit " + source.length
                    + " ids from " + from);
        }
        System.arraycopy(source, from, resize(rows), 0, rows * steps);
    }

    /**
     * Makes this a batch of {@code rows} rows and returns its array for the caller to fill with {@code rows *
     * steps} ids, row-major (grown when too small, else reused; what it held is left).
     */
    public int[] resize(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("a batch of token ids needs at least one row, not " + rows);
        }
        int count = rows * steps;
        if (ids.length < count) {
            ids = new int[count];
        }
        this.rows = rows;
        return ids;
    }

    /**
     * The array holding the ids, row-major: read the first {@code rows() * cols()} entries; the batch's own
     * (do not keep or change it).
     */
    public int[] ids() {
        return ids;
    }

    /** Row {@code row}'s id at step {@code step}. */
    public int id(int row, int step) {
        return ids[row * steps + step];
    }

    @Override
    public int rows() {
        return rows;
    }

    /** The steps {@code T} of each row. */
    @Override
    public int cols() {
        return steps;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public String toString() {
        return "TokenIds(" + rows + "x" + steps + ")";
    }
}
