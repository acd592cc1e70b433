package org.nn4j.backend.nd4j;

import java.util.Arrays;
import org.nd4j.linalg.factory.Nd4j;
import org.nn4j.api.DType;
import org.nn4j.api.RecurrentCell;
import org.nn4j.backend.host.RecurrentKernels64;
import org.nn4j.backend.host.WorkerPool;

/** {@link HostRecurrence} on float64 matrices; {@code HostRecurrence32} is generated from this source at build time. */
final class HostRecurrence64 extends HostRecurrence implements RecurrentKernels64.Products {
    private final Nd4jBackend backend;
    private final SplitCopy64 copy;
    /** Products on the backend's own (OpenBLAS split across its threads, the host path); else plain loops. */
    private final boolean blas;
    private final RecurrentKernels64.PlainProducts plain = new RecurrentKernels64.PlainProducts();
    private final RecurrentKernels64 kernels;
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
    /** The operands of a step's product in nd4j-native's memory, made per shape and kept. */
    private Nd4jMatrix stateMatrix;
    private Nd4jMatrix gatesMatrix;
    private Nd4jMatrix gatesAllMatrix;
    private Nd4jMatrix previousAllMatrix;
    private Nd4jMatrix weight;
    private Nd4jMatrix weightGrad;

    /** On {@code pool}'s threads (null: the calling thread), products by the backend's own when {@code blas}. */
    HostRecurrence64(Nd4jBackend backend, boolean blas, WorkerPool pool) {
        this.backend = backend;
        this.blas = blas;
        this.copy = new SplitCopy64(blas ? pool : null);
        this.kernels = new RecurrentKernels64(pool);
    }

    private static double[] grown(double[] array, int length) {
        return array.length >= length ? array : new double[Math.max(length, 2 * array.length)];
    }

    /** {@code m} if it is {@code rows x cols}, else a new matrix of that shape. */
    private static Nd4jMatrix shaped(Nd4jMatrix m, int rows, int cols) {
        if (m != null && m.rows() == rows && m.cols() == cols) {
            return m;
        }
        return new Nd4jMatrix(Nd4j.create(Nd4jBackend.dataType(DType.FLOAT64), rows, cols), DType.FLOAT64);
    }

    private double[] read(Nd4jMatrix m, double[] array) {
        double[] values = grown(array, m.size());
        if (!copy.get(m, values)) {
            backend.getDoubles(m, values);
        }
        return values;
    }

    private void write(Nd4jMatrix m, double[] values) {
        if (!copy.put(m, values)) {
            backend.putDoubles(m, values);
        }
    }

    private void prepare(Nd4jMatrix weightHh, Nd4jMatrix weightHhGrad, int n) {
        int h = weightHh.cols();
        int g = weightHh.rows();
        weight = weightHh;
        weightGrad = weightHhGrad;
        state = grown(state, n * h);
        cellGrad = grown(cellGrad, n * h);
        gates = grown(gates, n * g);
        if (blas) {
            stateMatrix = shaped(stateMatrix, n, h);
            gatesMatrix = shaped(gatesMatrix, n, g);
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
        prepare(weightHh, null, n);
        projections = read(proj, projections);
        if (biasHh != null) {
            bias = read(biasHh, bias);
        }
        // Of a bidirectional layer's outputs, the other direction's half stays: read them first.
        outputs = out.cols() == steps * weightHh.cols() ? grown(outputs, out.size()) : read(out, outputs);
        cached = grown(cached, cache.size());
        kernels.forward(cell, projections, biasHh == null ? null : bias, lengths, reverse, n, steps,
                weightHh.cols(), out.cols() / (steps * weightHh.cols()), outputs, cached, state, gates,
                blas ? this : plain);
        write(out, outputs);
        write(cache, cached);
    }

    @Override
    void backward(RecurrentCell cell, Nd4jMatrix weightHh, int[] lengths, boolean reverse, int steps, Nd4jMatrix out,
            Nd4jMatrix cache, Nd4jMatrix outGrad, Nd4jMatrix projectionsGrad, Nd4jMatrix weightHhGrad,
            Nd4jMatrix biasHhGrad) {
        int n = out.rows();
        int h = weightHh.cols();
        int g = weightHh.rows();
        prepare(weightHh, weightHhGrad, n);
        outputs = read(out, outputs);
        cached = read(cache, cached);
        grads = read(outGrad, grads);
        projections = grown(projections, projectionsGrad.size());
        bias = grown(bias, g);
        gatesAll = grown(gatesAll, n * steps * g);
        previousAll = grown(previousAll, n * steps * h);
        if (blas) {
            gatesAllMatrix = shaped(gatesAllMatrix, n * steps, g);
            previousAllMatrix = shaped(previousAllMatrix, n * steps, h);
        }
        kernels.backward(cell, outputs, cached, grads, lengths, reverse, n, steps, h, out.cols() / (steps * h),
                projections, biasHhGrad == null ? null : bias, state, cellGrad, gates, gatesAll, previousAll,
                blas ? this : plain);
        write(projectionsGrad, projections);
        if (biasHhGrad != null) {
            backend.putDoubles(biasHhGrad, bias);
        }
        if (!blas) {
            backend.putDoubles(weightHhGrad, weightGrads);
        }
    }

    @Override
    public void hidden(double[] h, int rows, double[] out) {
        stateMatrix.doubles().put(0, h, 0, stateMatrix.size());
        backend.product(false, true, 1, stateMatrix, weight, 0, gatesMatrix);
        gatesMatrix.doubles().get(0, out, 0, gatesMatrix.size());
    }

    @Override
    public void hiddenGrad(double[] dGates, int rows, double[] dh) {
        gatesMatrix.doubles().put(0, dGates, 0, gatesMatrix.size());
        stateMatrix.doubles().put(0, dh, 0, stateMatrix.size());
        backend.product(false, false, 1, gatesMatrix, weight, 1, stateMatrix);
        stateMatrix.doubles().get(0, dh, 0, stateMatrix.size());
    }

    /** Called once per backward pass, over every step: overwrites {@code W_hh}'s gradient, which is zero before. */
    @Override
    public void weightGrad(double[] dGates, double[] hPrev, int rows) {
        write(gatesAllMatrix, dGates);
        write(previousAllMatrix, hPrev);
        backend.product(true, false, 1, gatesAllMatrix, previousAllMatrix, 0, weightGrad);
    }
}
