package org.nn4j.backend.ejml;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.nn4j.api.RecurrentCell;
import org.nn4j.backend.host.HostKernels64;
import org.nn4j.backend.host.RecurrentKernels64;

/**
 * The ejml backend's recurrence on float64 matrices ({@code EjmlRecurrence32} is generated from this source at
 * build time): nn4j-backend-host's {@link RecurrentKernels64} on the matrices' own arrays (bands of rows across
 * the backend's pool), each band's step product with {@code W_hh} on the backend's single-threaded product
 * ({@link EjmlOps64#rowsProduct}), over work arrays kept between calls. Arguments are checked by the backend.
 */
final class EjmlRecurrence64 implements RecurrentKernels64.Products {
    private final EjmlOps64 ops;
    private final RecurrentKernels64 kernels;
    private final DMatrixRMaj left = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj right = new DMatrixRMaj(1, 1);
    private DMatrixRMaj weight;
    /** {@code W_hh^T} ({@code H x G}), laid out once per forward pass rather than by each step's product. */
    private final DMatrixRMaj weightT = new DMatrixRMaj(1, 1);
    private int hidden;
    private int gateCols;
    private double[] state = new double[0];
    private double[] cellGrad = new double[0];
    private double[] gates = new double[0];
    /** Row {@code e * T + t}, as the projections: the hidden products' gradients (a GRU's) and the previous states. */
    private double[] gatesAll = new double[0];
    private double[] previousAll = new double[0];

    EjmlRecurrence64(EjmlOps64 ops) {
        this.ops = ops;
        this.kernels = new RecurrentKernels64(ops.pool);
    }

    private void set(DMatrixRMaj weightHh, int n) {
        weight = weightHh;
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
        set(weightHh, n);
        CommonOps_DDRM.transpose(weightHh, weightT);
        kernels.forward(cell, projections, biasHh, lengths, reverse, n, steps, hidden, directions, out, cache, state,
                gates, this);
    }

    void backward(RecurrentCell cell, DMatrixRMaj weightHh, int[] lengths, boolean reverse, int steps, int n,
            int directions, double[] out, double[] cache, double[] outGrad, double[] projectionsGrad,
            DMatrixRMaj weightHhGrad, double[] biasHhGrad) {
        set(weightHh, n);
        boolean ownGrads = !cell.addsHiddenToProjections();
        if (previousAll.length < n * steps * hidden) {
            previousAll = new double[n * steps * hidden];
        }
        if (ownGrads && gatesAll.length < n * steps * gateCols) {
            gatesAll = new double[n * steps * gateCols];
        }
        kernels.backward(cell, out, cache, outGrad, lengths, reverse, n, steps, hidden, directions, projectionsGrad,
                state, cellGrad, gates, gatesAll, previousAll, this);
        double[] hiddenGrads = ownGrads ? gatesAll : projectionsGrad;
        ops.product(true, false, 1, wrap(left, hiddenGrads, n * steps, gateCols), wrap(right, previousAll, n * steps,
                hidden), 0, weightHhGrad);
        if (biasHhGrad != null) {
            HostKernels64.columnSums(hiddenGrads, n * steps, gateCols, biasHhGrad);
        }
    }

    private static DMatrixRMaj wrap(DMatrixRMaj m, double[] data, int rows, int cols) {
        m.data = data;
        m.numRows = rows;
        m.numCols = cols;
        return m;
    }

    @Override
    public void hidden(int part, double[] h, int from, int to, double[] out) {
        ops.rowsProduct(part, h, weightT.data, hidden, gateCols, 0, out, from, to);
    }

    @Override
    public void hiddenGrad(int part, double[] dGates, int from, int to, double[] dh) {
        ops.rowsProduct(part, dGates, weight.data, gateCols, hidden, 1, dh, from, to);
    }
}
