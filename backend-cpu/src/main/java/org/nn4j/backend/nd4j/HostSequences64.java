package org.nn4j.backend.nd4j;

import java.nio.DoubleBuffer;
import org.nn4j.api.Checks;

/**
 * {@link Nd4jHostBackend}'s row-by-id operations (an embedding's passes) on float64 matrices, in place on
 * nd4j-native's host memory: one bulk copy per gathered row, and no copy of the table, whatever its size.
 * {@code HostSequences32} is generated from this source at build time.
 */
final class HostSequences64 {

    private HostSequences64() {
    }

    /** {@link org.nn4j.api.Backend#gatherRows}, shapes checked. */
    static void gatherRows(Nd4jMatrix table, int[] ids, Nd4jMatrix out) {
        DoubleBuffer from = table.doubles();
        DoubleBuffer to = out.doubles();
        int width = table.cols();
        int tableRows = table.rows();
        for (int i = 0; i < out.rows(); i++) {
            int id = ids[i];
            if (id < 0 || id >= tableRows) {
                throw Checks.idOutside("gatherRows", id, i, tableRows);
            }
            to.put(i * width, from, id * width, width);
        }
    }

    /** {@link org.nn4j.api.Backend#scatterAddRows}, shapes checked. */
    static void scatterAddRows(Nd4jMatrix rows, int[] ids, int skip, Nd4jMatrix tableGrad) {
        DoubleBuffer from = rows.doubles();
        DoubleBuffer to = tableGrad.doubles();
        int width = rows.cols();
        int tableRows = tableGrad.rows();
        for (int i = 0; i < rows.rows(); i++) {
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
                to.put(target + j, to.get(target + j) + from.get(source + j));
            }
        }
    }
}
