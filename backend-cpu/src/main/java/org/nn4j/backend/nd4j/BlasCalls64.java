package org.nn4j.backend.nd4j;

import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;

import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;
import org.nn4j.codegen.Round;

/** {@link BlasCalls} on float64 matrices; {@code BlasCalls32} is generated from this source at build time. */
final class BlasCalls64 extends BlasCalls {
    /** Ones for {@link #columnSums}, as many as the largest batch so far. */
    private DoublePointer ones;

    @Override
    void views(int part) {
        a.doubleView(3 * part);
        b.doubleView(3 * part + 1);
        c.doubleView(3 * part + 2);
    }

    @Override
    void product(int part, int opA, int opB, int m, int n, int k, long aOffset, long bOffset, long cOffset) {
        openblas.cblas_dgemm(CblasRowMajor, opA, opB, m, n, k, (@Round double) alpha,
                a.doubleView(3 * part).position(aOffset), a.cols(), b.doubleView(3 * part + 1).position(bOffset),
                b.cols(), (@Round double) beta, c.doubleView(3 * part + 2).position(cOffset), c.cols());
    }

    @Override
    void columnSums(Nd4jMatrix x, Nd4jMatrix out) {
        if (ones == null || ones.capacity() < x.rows()) {
            double[] values = new double[x.rows()];
            Arrays.fill(values, 1);
            ones = new DoublePointer(values);
        }
        openblas.cblas_dgemv(CblasRowMajor, CblasTrans, x.rows(), x.cols(), 1, x.doubleView(0).position(0), x.cols(),
                ones, 1, 0, out.doubleView(0).position(0), 1);
    }
}
