package org.nn4j.api.conformance;

/**
 * Plain-Java float64 versions of the SPI's row-by-id operations (an embedding's passes), on row-major
 * arrays: {@link ReferenceOps}' counterpart for sequences, written for obviousness.
 */
final class ReferenceTokens {

    private ReferenceTokens() {
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

    /**
     * {@code Backend.poolSteps}: each row's mean, max (the first largest) or last of its first {@code
     * lengths[r]} steps ({@code null}: all), zeros for none; {@code from} gets the step of max and last.
     */
    static double[] poolSteps(String mode, double[] x, int n, int steps, int features, int[] lengths, int[] from) {
        double[] out = new double[n * features];
        for (int r = 0; r < n; r++) {
            int length = lengths == null ? steps : lengths[r];
            for (int f = 0; f < features; f++) {
                int o = r * features + f;
                from[o] = -1;
                if (length == 0) {
                    continue;
                }
                double sum = 0;
                for (int t = 0; t < length; t++) {
                    double v = x[(r * steps + t) * features + f];
                    sum += v;
                    if (mode.equals("MAX") && (from[o] < 0 || v > out[o])) {
                        out[o] = v;
                        from[o] = t;
                    }
                }
                if (mode.equals("MEAN")) {
                    out[o] = sum / length;
                } else if (mode.equals("LAST")) {
                    out[o] = x[(r * steps + length - 1) * features + f];
                    from[o] = length - 1;
                }
            }
        }
        return out;
    }

    /** {@code Backend.poolStepsBackward}: each pooled gradient back at the steps it came from. */
    static double[] poolStepsBackward(String mode, double[] grad, int n, int steps, int features, int[] lengths,
            int[] from) {
        double[] out = new double[n * steps * features];
        for (int r = 0; r < n; r++) {
            int length = lengths == null ? steps : lengths[r];
            for (int f = 0; f < features; f++) {
                int o = r * features + f;
                for (int t = 0; t < length; t++) {
                    boolean here = mode.equals("MEAN") || from[o] == t;
                    if (here) {
                        out[(r * steps + t) * features + f] = mode.equals("MEAN") ? grad[o] / length : grad[o];
                    }
                }
            }
        }
        return out;
    }
}
