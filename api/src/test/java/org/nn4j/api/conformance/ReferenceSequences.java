package org.nn4j.api.conformance;

/**
 * Plain-Java float64 versions of the SPI's row-by-id operations (an embedding's passes), on row-major
 * arrays: {@link ReferenceOps}' counterpart for sequences, written for obviousness.
 */
final class ReferenceSequences {

    private ReferenceSequences() {
    }

    /** {@code Backend.gatherRows}: row {@code i} of the result is row {@code ids[i]} of {@code table}. */
    static double[] gatherRows(double[] table, int width, int[] ids, int m) {
        double[] out = new double[m * width];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < width; j++) {
                out[i * width + j] = table[ids[i] * width + j];
            }
        }
        return out;
    }

    /** {@code Backend.scatterAddRows}: {@code grad} plus each row of {@code rows} at its id, but {@code skip}'s. */
    static double[] scatterAddRows(double[] rows, int width, int[] ids, int m, int skip, double[] grad) {
        double[] out = grad.clone();
        for (int i = 0; i < m; i++) {
            if (ids[i] == skip) {
                continue;
            }
            for (int j = 0; j < width; j++) {
                out[ids[i] * width + j] += rows[i * width + j];
            }
        }
        return out;
    }
}
