package org.nn4j.backend.host;

/**
 * The constants of the host loops that differ by dtype beyond a literal's suffix, in pairs named by
 * dtype ({@code _FLOAT64}, {@code _FLOAT32}): a float64 source names its own, and its generated float32
 * twin the other (see {@code org.nn4j.codegen}). Compile-time constants, so that a loop sees literals.
 */
public final class Scales {

    /**
     * 2^1023: a positive float64 times this twice is at least 1, the smallest subnormal included, so
     * {@code min(y * STEP * STEP, 1)} is the step {@code y > 0} without a branch (0 for 0, NaN for NaN).
     */
    public static final double STEP_FLOAT64 = 0x1p1023;
    /** {@link #STEP_FLOAT64} for float32: 2^127. */
    public static final float STEP_FLOAT32 = 0x1p127f;

    /**
     * 1 / ulp(the optimizer state's floor, {@code Backend.STATE_FLOOR_FLOAT64}): the distance of any value
     * above the floor from it, times this, is at least 1.
     */
    public static final double FLOOR_FLOAT64 = 0x1p1012;
    /** {@link #FLOOR_FLOAT64} for float32's floor: 2^123. */
    public static final float FLOOR_FLOAT32 = 0x1p123f;

    /**
     * Terms of the recurrent cells' Taylor polynomial of exp on [-ln2 / 2, ln2 / 2]: the first left out is
     * below 2e-17 in float64, 6e-9 in float32 (a tenth of its ulp).
     */
    public static final int EXP_TERMS_FLOAT64 = 13;
    /** {@link #EXP_TERMS_FLOAT64} for float32. */
    public static final int EXP_TERMS_FLOAT32 = 8;

    private Scales() {
    }
}
