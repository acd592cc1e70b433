package org.nn4j.backend.ejml;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.nn4j.api.RecurrentCell;
import org.nn4j.backend.host.RecurrentKernels64;

/**
 * The ejml backend's recurrence on float64 matrices ({@code EjmlRecurrence32} is generated from this source at
 * build time): nn4j-backend-host's {@link RecurrentKernels64} on the matrices' own arrays (the cell's pass split
 * across the backend's pool), each step's product
 * with {@code W_hh} on the backend's product ({@link EjmlOps64#product}, EJML's or the Vector API kernel, split
 * across the pool when large) over work arrays kept between calls. Arguments are checked by the backend.
 */
final class EjmlRecurrence64 implements RecurrentKernels64.Products {
    private final EjmlOps64 ops;
    private final RecurrentKernels64 kernels;
    private final DMatrixRMaj left = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj right = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj target = new DMatrixRMaj(1, 1);
    private DMatrixRMaj weight;
    /** {@code W_hh^T} ({@code H x G}), laid out once per forward pass rather than by each step's product. */
    private final DMatrixRMaj weightT = new DMatrixRMaj(1, 1);
    private DMatrixRMaj weightGrad;
    private int hidden;
    private int gateCols;
    private double[] state = new double[0];
    private double[] cellGrad = new double[0];
    private double[] gates = new double[0];
    /** Time-major, every step's: the hidden products' gradients and the previous states. */
    private double[] gatesAll = new double[0];
    private double[] previousAll = new double[0];

    EjmlRecurrence64(EjmlOps64 ops) {
        this.ops = ops;
        this.kernels = new RecurrentKernels64(ops.pool);
    }

    private void set(DMatrixRMaj weightHh, DMatrixRMaj weightHhGrad, int n) {
        weight = weightHh;
        weightGrad = weightHhGrad;
        hidden = weightHh.numCols;
        gateCols = weightHh.numRows;
        if (state.length < n * hidden) {
            state = new double[n * hidden];
            cellGrad = new double[n * hidden];
        }
        if (gates.length < n * gateCols) {
            gates = new double[n * gateCols];
        }
    }

    void forward(RecurrentCell cell, double[] projections, DMatrixRMaj weightHh, double[] biasHh, int[] lengths,
            boolean reverse, int steps, int n, int directions, double[] out, double[] cache) {
        set(weightHh, null, n);
        CommonOps_DDRM.transpose(weightHh, weightT);
        kernels.forward(cell, projections, biasHh, lengths, reverse, n, steps, hidden, directions, out, cache, state,
                gates, this);
    }

    void backward(RecurrentCell cell, DMatrixRMaj weightHh, int[] lengths, boolean reverse, int steps, int n,
            int directions, double[] out, double[] cache, double[] outGrad, double[] projectionsGrad,
            DMatrixRMaj weightHhGrad, double[] biasHhGrad) {
        set(weightHh, weightHhGrad, n);
        if (previousAll.length < n * steps * hidden) {
            previousAll = new double[n * steps * hidden];
        }
        if (gatesAll.length < n * steps * gateCols) {
            gatesAll = new double[n * steps * gateCols];
        }
        CommonOps_DDRM.fill(weightHhGrad, 0);
        kernels.backward(cell, out, cache, outGrad, lengths, reverse, n, steps, hidden, directions, projectionsGrad,
                biasHhGrad, state, cellGrad, gates, gatesAll, previousAll, this);
    }

    private static DMatrixRMaj wrap(DMatrixRMaj m, double[] data, int rows, int cols) {
        m.data = data;
        m.numRows = rows;
        m.numCols = cols;
        return m;
    }

    @Override
    public void hidden(double[] h, int rows, double[] out) {
        ops.product(false, false, 1, wrap(left, h, rows, hidden), weightT, 0, wrap(target, out, rows, gateCols));
    }

    @Override
    public void hiddenGrad(double[] dGates, int rows, double[] dh) {
        ops.product(false, false, 1, wrap(left, dGates, rows, gateCols), weight, 1, wrap(target, dh, rows, hidden));
    }

    @Override
    public void weightGrad(double[] dGates, double[] hPrev, int rows) {
        ops.product(true, false, 1, wrap(left, dGates, rows, gateCols), wrap(right, hPrev, rows, hidden), 1,
                weightGrad);
    }
}
