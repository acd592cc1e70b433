package org.nn4j.backend.nd4j;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;

import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;
import org.nn4j.api.RecurrentCell;
import org.nn4j.backend.host.RecurrentKernels64;

/** {@link HostRecurrence} on float64 matrices; {@code HostRecurrence32} is generated from this source at build time. */
final class HostRecurrence64 extends HostRecurrence implements RecurrentKernels64.Products {
    private final Nd4jBackend backend;
    /** Products by OpenBLAS on host memory; else plain loops on {@link #weights}. */
    private final boolean blas;
    private final RecurrentKernels64.PlainProducts plain = new RecurrentKernels64.PlainProducts();
    private double[] projections = new double[0];
    private double[] outputs = new double[0];
    private double[] cached = new double[0];
    private double[] grads = new double[0];
    private double[] bias = new double[0];
    private double[] weights = new double[0];
    private double[] weightGrads = new double[0];
    private double[] state = new double[0];
    private double[] cellGrad = new double[0];
    private double[] gates = new double[0];
    /** Time-major, every step's: the hidden products' gradients and the previous states. */
    private double[] gatesAll = new double[0];
    private double[] previousAll = new double[0];
    /** Host memory for the operands of a step's product. */
    private DoublePointer left = new DoublePointer(1);
    private DoublePointer right = new DoublePointer(1);
    private DoublePointer target = new DoublePointer(1);
    private Nd4jMatrix weight;
    private Nd4jMatrix weightGrad;
    private int hidden;
    private int gateCols;

    HostRecurrence64(Nd4jBackend backend, boolean blas) {
        this.backend = backend;
        this.blas = blas;
    }

    private static double[] grown(double[] array, int length) {
        return array.length >= length ? array : new double[Math.max(length, 2 * array.length)];
    }

    private static DoublePointer grown(DoublePointer pointer, long length) {
        if (pointer.capacity() >= length) {
            return pointer;
        }
        pointer.close();
        return new DoublePointer(Math.max(length, 2 * pointer.capacity()));
    }

    private double[] read(Nd4jMatrix m, double[] array) {
        double[] values = grown(array, m.size());
        backend.getDoubles(m, values);
        return values;
    }

    private void prepare(Nd4jMatrix weightHh, Nd4jMatrix weightHhGrad, int n, int h, int g) {
        weight = weightHh;
        weightGrad = weightHhGrad;
        hidden = h;
        gateCols = g;
        state = grown(state, n * h);
        cellGrad = grown(cellGrad, n * h);
        gates = grown(gates, n * g);
        if (blas) {
            left = grown(left, (long) n * g);
            target = grown(target, (long) n * g);
        } else {
            weights = read(weightHh, weights);
            if (weightHhGrad != null) {
                weightGrads = grown(weightGrads, g * h);
                Arrays.fill(weightGrads, 0, g * h, 0);
            }
            plain.set(weights, weightGrads, g, h);
        }
    }

    @Override
    void forward(RecurrentCell cell, Nd4jMatrix proj, Nd4jMatrix weightHh, Nd4jMatrix biasHh, int[] lengths,
            boolean reverse, int steps, Nd4jMatrix out, Nd4jMatrix cache) {
        int n = out.rows();
        int h = weightHh.cols();
        prepare(weightHh, null, n, h, weightHh.rows());
        projections = read(proj, projections);
        if (biasHh != null) {
            bias = read(biasHh, bias);
        }
        outputs = grown(outputs, out.size());
        cached = grown(cached, cache.size());
        RecurrentKernels64.forward(cell, projections, biasHh == null ? null : bias, lengths, reverse, n, steps, h,
                outputs, cached, state, gates, blas ? this : plain);
        backend.putDoubles(out, outputs);
        backend.putDoubles(cache, cached);
    }

    @Override
    void backward(RecurrentCell cell, Nd4jMatrix weightHh, int[] lengths, boolean reverse, int steps, Nd4jMatrix out,
            Nd4jMatrix cache, Nd4jMatrix outGrad, Nd4jMatrix projectionsGrad, Nd4jMatrix weightHhGrad,
            Nd4jMatrix biasHhGrad) {
        int n = out.rows();
        int h = weightHh.cols();
        int g = weightHh.rows();
        prepare(weightHh, weightHhGrad, n, h, g);
        if (blas) {
            weightHhGrad.array.assign(0);
        }
        outputs = read(out, outputs);
        cached = read(cache, cached);
        grads = read(outGrad, grads);
        projections = grown(projections, projectionsGrad.size());
        bias = grown(bias, g);
        gatesAll = grown(gatesAll, n * steps * g);
        previousAll = grown(previousAll, n * steps * h);
        if (blas) {
            left = grown(left, (long) n * steps * g);
            right = grown(right, (long) n * steps * h);
        }
        RecurrentKernels64.backward(cell, outputs, cached, grads, lengths, reverse, n, steps, h, projections,
                biasHhGrad == null ? null : bias, state, cellGrad, gates, gatesAll, previousAll, blas ? this : plain);
        backend.putDoubles(projectionsGrad, projections);
        if (biasHhGrad != null) {
            backend.putDoubles(biasHhGrad, bias);
        }
        if (!blas) {
            backend.putDoubles(weightHhGrad, weightGrads);
        }
    }

    @Override
    public void hidden(double[] h, int rows, double[] out) {
        left.position(0).put(h, 0, rows * hidden);
        openblas.cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, gateCols, hidden, 1, left.position(0),
                hidden, weight.doubleView(0).position(0), hidden, 0, target.position(0), gateCols);
        target.position(0).get(out, 0, rows * gateCols);
    }

    @Override
    public void hiddenGrad(double[] dGates, int rows, double[] dh) {
        left.position(0).put(dGates, 0, rows * gateCols);
        target.position(0).put(dh, 0, rows * hidden);
        openblas.cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, hidden, gateCols, 1, left.position(0),
                gateCols, weight.doubleView(0).position(0), hidden, 1, target.position(0), hidden);
        target.position(0).get(dh, 0, rows * hidden);
    }

    @Override
    public void weightGrad(double[] dGates, double[] hPrev, int rows) {
        left.position(0).put(dGates, 0, rows * gateCols);
        right.position(0).put(hPrev, 0, rows * hidden);
        openblas.cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, gateCols, hidden, rows, 1, left.position(0),
                gateCols, right.position(0), hidden, 1, weightGrad.doubleView(0).position(0), hidden);
    }
}
