package org.nn4j.backend.nd4j;

import org.nn4j.api.Window2d;
import org.nn4j.backend.host.ImageKernels64;
import org.nn4j.backend.host.WorkerPool;

/** {@link HostImages} on float64 matrices; {@code HostImages32} is generated from this source at build time. */
final class HostImages64 extends HostImages {

    HostImages64(HostArrays host, WorkerPool pool) {
        super(host, pool);
    }

    @Override
    void im2col(Nd4jMatrix x, Window2d w, int[] index, Nd4jMatrix out) {
        double[] cols = host.doubles(2, out.size());
        double[] in = values(x, 1);
        split(x.rows(), out.size(), (from, to) -> ImageKernels64.gather(in, from, to, w.inputSize(), index, cols));
        out.doubles().put(0, cols, 0, out.size());
    }

    @Override
    void col2im(Nd4jMatrix cols, Window2d w, int[] index, Nd4jMatrix out) {
        double[] image = host.doubles(2, out.size());
        double[] in = values(cols, 1);
        split(out.rows(), cols.size(), (from, to) -> ImageKernels64.scatterAdd(in, from, to, w.inputSize(), index,
                image));
        out.doubles().put(0, image, 0, out.size());
    }

    @Override
    void transposeBlocks(Nd4jMatrix a, int blocks, int rows, int cols, Nd4jMatrix out) {
        double[] values = host.doubles(2, out.size());
        double[] in = values(a, 1);
        split(blocks, out.size(), (from, to) -> ImageKernels64.transposeBlocks(in, from, to, rows, cols, values));
        out.doubles().put(0, values, 0, out.size());
    }

    /** {@code m}'s values in work array {@code slot}. */
    private double[] values(Nd4jMatrix m, int slot) {
        double[] values = host.doubles(slot, m.size());
        m.doubles().get(0, values, 0, m.size());
        return values;
    }
}
