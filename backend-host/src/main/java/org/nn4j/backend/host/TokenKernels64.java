package org.nn4j.backend.host;

import java.util.Arrays;
import org.nn4j.api.Backend;
import org.nn4j.api.Checks;
import org.nn4j.api.StepPooling;
import org.nn4j.codegen.Round;
import org.nn4j.codegen.Wide;

/**
 * The row-by-id operations of {@link Backend} (an embedding's passes) and the pooling over steps as loops over row-major float64 host
 * arrays, for backends that compute on the host; {@code TokenKernels32} is the same on float32 arrays,
 * generated from this source at build time. Ids are host {@code int}s and checked as they are read.
 */
public final class TokenKernels64 {

    private TokenKernels64() {
    }

    /**
     * {@link Backend#gatherRows}: {@code out[i] = table[ids[i]]} for rows {@code i} of {@code [0, m)}, each
     * {@code width} values; {@code table} holds {@code tableRows} rows.
     *
     * @throws IllegalArgumentException at the first id outside {@code [0, tableRows)}
     */
    public static void gatherRows(double[] table, int tableRows, int width, int[] ids, int m, double[] out) {
        for (int i = 0; i < m; i++) {
            int id = ids[i];
            if (id < 0 || id >= tableRows) {
                throw Checks.idOutside("gatherRows", id, i, tableRows);
            }
            System.arraycopy(table, id * width, out, i * width, width);
        }
    }

    /**
     * {@link Backend#scatterAddRows}: {@code grad[ids[i]] += rows[i]} for rows {@code i} of {@code [0, m)}
     * whose id is not {@code skip}, in order of {@code i}; {@code grad} holds {@code tableRows} rows of
     * {@code width} values.
     *
     * @throws IllegalArgumentException at the first id outside {@code [0, tableRows)}
     */
    public static void scatterAddRows(double[] rows, int width, int[] ids, int m, int skip, double[] grad,
            int tableRows) {
        for (int i = 0; i < m; i++) {
            int id = ids[i];
            if (id < 0 || id >= tableRows) {
                throw Checks.idOutside("scatterAddRows", id, i, tableRows);
            }
            if (id == skip) {
                continue;
            }
            int target = id * width;
            int source = i * width;
            for (int j = 0; j < width; j++) {
                grad[target + j] += rows[source + j];
            }
        }
    }

    /** Row {@code r}'s length: all {@code steps} without lengths; checked. */
    private static int length(String op, int[] lengths, int r, int steps) {
        if (lengths == null) {
            return steps;
        }
        int length = lengths[r];
        if (length < 0 || length > steps) {
            throw Checks.lengthOutside(op, length, r, steps);
        }
        return length;
    }

    /**
     * {@link Backend#poolSteps} of {@code n} rows of {@code steps * features} values in {@code x}, into {@code
     * out} ({@code n * features}) and {@code from}.
     */
    public static void poolSteps(StepPooling mode, double[] x, int n, int steps, int features, int[] lengths,
            double[] out, int[] from) {
        for (int r = 0; r < n; r++) {
            int length = length("poolSteps", lengths, r, steps);
            int base = r * steps * features;
            int o = r * features;
            if (length == 0) {
                Arrays.fill(out, o, o + features, 0);
                if (mode != StepPooling.MEAN) {
                    Arrays.fill(from, o, o + features, -1);
                }
                continue;
            }
            if (mode == StepPooling.LAST) {
                System.arraycopy(x, base + (length - 1) * features, out, o, features);
                Arrays.fill(from, o, o + features, length - 1);
            } else if (mode == StepPooling.MEAN) {
                // Summed step after step in the order of the reference, in float64 for both dtypes.
                for (int f = 0; f < features; f++) {
                    @Wide double sum = 0;
                    for (int t = 0; t < length; t++) {
                        sum += x[base + t * features + f];
                    }
                    out[o + f] = (@Round double) (sum / length);
                }
            } else {
                System.arraycopy(x, base, out, o, features);
                Arrays.fill(from, o, o + features, 0);
                for (int t = 1; t < length; t++) {
                    int step = base + t * features;
                    for (int f = 0; f < features; f++) {
                        double v = x[step + f];
                        double best = out[o + f];
                        if (v > best || v != v && best == best) {
                            out[o + f] = v;
                            from[o + f] = t;
                        }
                    }
                }
            }
        }
    }

    /** {@link Backend#poolStepsBackward} of {@code n} rows into {@code out} ({@code n * steps * features}). */
    public static void poolStepsBackward(StepPooling mode, double[] grad, int n, int steps, int features,
            int[] lengths, int[] from, double[] out) {
        Arrays.fill(out, 0, n * steps * features, 0);
        for (int r = 0; r < n; r++) {
            int length = length("poolStepsBackward", lengths, r, steps);
            int base = r * steps * features;
            int o = r * features;
            for (int f = 0; f < features; f++) {
                if (mode == StepPooling.MEAN) {
                    double share = grad[o + f] / length;
                    for (int t = 0; t < length; t++) {
                        out[base + t * features + f] = share;
                    }
                } else if (from[o + f] >= 0) {
                    out[base + from[o + f] * features + f] = grad[o + f];
                }
            }
        }
    }
}
