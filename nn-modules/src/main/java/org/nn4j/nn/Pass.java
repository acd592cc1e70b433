package org.nn4j.nn;

/**
 * What a forward pass runs in: its {@link Mode} and, when training, the random keys of its rows, from
 * which layers such as dropout draw. A row's key depends on the run's seed, the step and the example
 * the row holds, never on where the row is computed, so that a seed gives the same masks on one
 * machine, after a resume and on any Spark partitioning.
 *
 * <p>A pass is reused from batch to batch ({@link #keyRows} overwrites its keys), so that training
 * allocates nothing per batch.
 */
public final class Pass {
    private static final Pass EVAL = new Pass(Mode.EVAL, 0);

    private final Mode mode;
    private final long seed;
    private long[] keys = new long[0];
    private int keyed;
    private long calls;

    private Pass(Mode mode, long seed) {
        this.mode = mode;
        this.seed = seed;
    }

    /** The evaluation pass: no randomness, running statistics. */
    public static Pass eval() {
        return EVAL;
    }

    /**
     * A training pass whose randomness comes from {@code seed}. Until {@link #keyRows} is called, every
     * {@link #nextBatch} gives the rows new keys.
     */
    public static Pass training(long seed) {
        return new Pass(Mode.TRAIN, seed);
    }

    /** A pass of {@code mode}: {@link #eval()} or {@link #training(long)}. */
    public static Pass of(Mode mode, long seed) {
        return mode == Mode.EVAL ? EVAL : training(seed);
    }

    /** Training or evaluation. */
    public Mode mode() {
        return mode;
    }

    /** Whether this is a training pass. */
    public boolean training() {
        return mode == Mode.TRAIN;
    }

    /**
     * Keys the next batch's rows by the examples they hold: row {@code r} holds example {@code
     * order[from + r]} of the training set, at training step {@code step}.
     */
    public void keyRows(long step, int[] order, int from, int count) {
        if (mode == Mode.EVAL) {
            return; // nothing draws in evaluation, and the evaluation pass is shared
        }
        if (keys.length < count) {
            keys = new long[count];
        }
        long stepKey = mix(seed ^ mix(step + 0x632BE59BD9B4E019L));
        for (int r = 0; r < count; r++) {
            keys[r] = mix(stepKey + order[from + r]);
        }
        keyed = count;
    }

    /** Gives the rows of the next batch new keys, for a pass whose rows are not examples of a data set. */
    public void nextBatch() {
        if (mode == Mode.EVAL) {
            return;
        }
        calls++;
        keyed = 0;
    }

    /** The random key of row {@code row} of the current batch. */
    public long rowKey(int row) {
        if (row < keyed) {
            return keys[row];
        }
        return mix(mix(seed ^ mix(calls + 0x9E3779B97F4A7C15L)) + row);
    }

    /** SplitMix64's finaliser: a bijection of longs that scatters nearby inputs. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A uniform double in [0, 1) from a key. */
    public static double uniform(long key) {
        return (mix(key) >>> 11) * 0x1.0p-53;
    }
}
