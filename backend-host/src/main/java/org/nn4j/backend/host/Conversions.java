package org.nn4j.backend.host;

/**
 * Copies between Java arrays of either dtype, one method per pair of array types: a float64 source
 * calls {@code copy(values, data, n)} and its generated float32 twin, whose {@code data} is a {@code
 * float[]}, gets the right copy by overload (see {@code org.nn4j.codegen}).
 */
public final class Conversions {

    private Conversions() {
    }

    /** {@code to[0 .. n) = from[0 .. n)}. */
    public static void copy(double[] from, double[] to, int n) {
        System.arraycopy(from, 0, to, 0, n);
    }

    /** {@code to[0 .. n) = from[0 .. n)}. */
    public static void copy(float[] from, float[] to, int n) {
        System.arraycopy(from, 0, to, 0, n);
    }

    /** {@code to[0 .. n) = from[0 .. n)}, each rounded to float32. */
    public static void copy(double[] from, float[] to, int n) {
        for (int i = 0; i < n; i++) {
            to[i] = (float) from[i];
        }
    }

    /** {@code to[0 .. n) = from[0 .. n)}, each widened to float64 (exactly). */
    public static void copy(float[] from, double[] to, int n) {
        for (int i = 0; i < n; i++) {
            to[i] = from[i];
        }
    }
}
