package org.nn4j.backend.nd4j;

/**
 * Java arrays for work on the host, by slot, grown as needed and kept, so that transfers, reductions
 * and host loops allocate nothing once they have seen their sizes. Not thread-safe, like the backend.
 */
final class HostArrays {
    private final double[][] doubles = new double[4][0];
    private final float[][] floats = new float[4][0];

    /** The double array of {@code slot} (0 to 3), at least {@code length} long. */
    double[] doubles(int slot, int length) {
        if (doubles[slot].length < length) {
            doubles[slot] = new double[Math.max(length, 2 * doubles[slot].length)];
        }
        return doubles[slot];
    }

    /** The float array of {@code slot} (0 to 3), at least {@code length} long. */
    float[] floats(int slot, int length) {
        if (floats[slot].length < length) {
            floats[slot] = new float[Math.max(length, 2 * floats[slot].length)];
        }
        return floats[slot];
    }
}
