package org.nn4j.backend.host;

import org.nn4j.api.Backend;
import org.nn4j.api.Checks;

/**
 * The row-by-id operations of {@link Backend} (an embedding's passes) as loops over row-major float64 host
 * arrays, for backends that compute on the host; {@code SequenceKernels32} is the same on float32 arrays,
 * generated from this source at build time. Ids are host {@code int}s and checked as they are read.
 */
public final class SequenceKernels64 {

    private SequenceKernels64() {
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
}
